"""Households and members as JSON: what the case page shows (ID numbers and phones masked)."""

from rest_framework import serializers

from registry.models import (
    Employment,
    Household,
    HouseholdStage,
    KeptHouseReason,
    LabourAbility,
    Member,
    Relation,
    RelocationReason,
    ResettlementMode,
)

DECIMAL_8_2 = {"max_digits": 8, "decimal_places": 2}


class AreaRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MemberSerializer(serializers.ModelSerializer):
    id_number_masked = serializers.CharField(read_only=True, help_text="身份证号码（脱敏：前4位与后4位）")

    class Meta:
        model = Member
        fields = ["id", "name", "relation", "id_number_masked", "sex", "birth_date", "labour_ability",
                  "willing_to_work", "employment", "state_salaried", "relative_of_state_salaried",
                  "prior_housing_benefit"]
        read_only_fields = fields


class HouseholdSerializer(serializers.ModelSerializer):
    village = AreaRefSerializer(read_only=True)
    stage_label = serializers.SerializerMethodField()
    contact_phone_masked = serializers.CharField(read_only=True, help_text="联系电话（脱敏）")
    members = MemberSerializer(many=True, read_only=True)
    old_house_kept_reason = serializers.ChoiceField(choices=KeptHouseReason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Household
        fields = ["id", "number", "village", "area_code", "stage", "stage_label", "stage_round", "stage_entered_at",
                  "poverty_registered", "poverty_reg_number", "relocation_reason", "resettlement_mode", "site",
                  "scattered_location", "on_original_homestead", "planned_floor_area", "self_funding",
                  "homestead_area", "whole_village_relocation", "new_geological_hazard", "responsible_cadre",
                  "contact_phone_masked", "actual_floor_area", "old_house_kept", "old_house_kept_reason",
                  "reclaimed_area_mu", "follow_up_officer", "created_at", "updated_at", "members"]
        read_only_fields = fields

    def get_stage_label(self, obj) -> str:
        return HouseholdStage(obj.stage).label


class HouseholdListSerializer(HouseholdSerializer):
    class Meta(HouseholdSerializer.Meta):
        fields = [f for f in HouseholdSerializer.Meta.fields if f != "members"]
        read_only_fields = fields


class MemberInputSerializer(serializers.Serializer):
    """One member as entered. `id` names an existing member (omit it for a new one); the full
    ID number is written here and never read back."""

    id = serializers.IntegerField(required=False, min_value=1, help_text="已有成员的编号；新成员不填")
    name = serializers.CharField(max_length=50)
    relation = serializers.ChoiceField(choices=Relation.choices)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=40, write_only=True,
                                      help_text="18位居民身份证号码；已有成员留空则保留原号码")
    labour_ability = serializers.ChoiceField(choices=LabourAbility.choices, default=LabourAbility.NORMAL)
    willing_to_work = serializers.BooleanField(default=True)
    employment = serializers.ChoiceField(choices=Employment.choices, default=Employment.UNEMPLOYED)
    state_salaried = serializers.BooleanField(default=False)
    relative_of_state_salaried = serializers.BooleanField(default=False)
    prior_housing_benefit = serializers.BooleanField(default=False)


class HouseholdInputSerializer(serializers.Serializer):
    """The registry fields an official enters (申报). `stage` and what the lifecycle records are
    never written here: only a transition writes them."""

    number = serializers.RegexField(r"^\d{16}$", max_length=16, help_text="村级区划代码（12位）+ 4位顺序号",
                                    error_messages={"invalid": "户编号须为16位数字：村级区划代码12位 + 顺序号4位。"})
    village = serializers.RegexField(r"^\d{12}$", max_length=12, help_text="所在村的12位区划代码",
                                     error_messages={"invalid": "所在村须为12位区划代码。"})
    poverty_registered = serializers.BooleanField(default=True)
    poverty_reg_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    # seed 002: 严禁将房屋危旧作为搬迁条件 — the policy's own message for any other reason.
    relocation_reason = serializers.ChoiceField(
        choices=RelocationReason.choices,
        error_messages={"invalid_choice": "搬迁原因须为规定的四类情形之一；房屋危旧不能作为搬迁条件。"})
    resettlement_mode = serializers.ChoiceField(choices=ResettlementMode.choices)
    site = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None,
                                    help_text="集中安置点编号（集中安置时必填）")
    scattered_location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    on_original_homestead = serializers.BooleanField(default=False)
    planned_floor_area = serializers.DecimalField(min_value=0, **DECIMAL_8_2)
    self_funding = serializers.DecimalField(max_digits=10, decimal_places=2, default=0)
    homestead_area = serializers.DecimalField(required=False, allow_null=True, default=None, min_value=0,
                                              **DECIMAL_8_2)
    whole_village_relocation = serializers.BooleanField(default=False)
    new_geological_hazard = serializers.BooleanField(default=False)
    responsible_cadre = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None,
                                                 help_text="包保责任人（用户编号）")
    contact_phone = serializers.CharField(max_length=16, required=False, allow_blank=True, default="",
                                          write_only=True)
    members = MemberInputSerializer(many=True, help_text="家庭成员（完整列表）", allow_empty=True)


class HouseholdPatchSerializer(HouseholdInputSerializer):
    """Any subset of the registry fields. `members`, when given, is the complete list: listed
    members are updated (by `id`) or added, unlisted ones are struck out (申报 only)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            if hasattr(field, "default"):
                field.default = serializers.empty


class HouseholdWriteResultSerializer(HouseholdSerializer):
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = HouseholdSerializer.Meta.fields + ["warnings"]
        read_only_fields = fields


KEPT_HOUSE_REASONS = KeptHouseReason.choices
