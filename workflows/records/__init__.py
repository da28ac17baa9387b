"""The level records: what a village, township or county decided over a period and its ledgers
(台账), printed from the recorded opinions and filed into the level's own archive file."""
