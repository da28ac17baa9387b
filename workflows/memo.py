"""Answers that cannot change within one locked service call — a case's stage conditions for its
current round, the evidence on file, the policy check — kept on the case instance, so that the
service, the FSM's last guard and the actions listing ask the database once. Each answer is
stored with a key (e.g. the stage and round it holds for) and recomputed when the key differs;
`forget` drops answers when the call itself changes what they read."""


def remember(case, name: str, key, compute):
    cached = case.__dict__.get(name)
    if cached is not None and cached[0] == key:
        return cached[1]
    value = compute()
    case.__dict__[name] = (key, value)
    return value


def forget(case, *names: str) -> None:
    for name in names:
        case.__dict__.pop(name, None)
