"""A transition as offered to the caller, and the body that performs one."""

from rest_framework import serializers

from registry.models import HouseholdStage, SiteStage


class RuleViolationSerializer(serializers.Serializer):
    code = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()


class TransitionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="环节代码，用于 POST …/transitions/{name}/")
    label = serializers.CharField(help_text="环节名称")
    kind = serializers.ChoiceField(choices=["step", "removal", "exemption"])
    decisions = serializers.ListField(child=serializers.CharField(), help_text="可选的意见：approve 同意 / return 退回")
    fields = serializers.ListField(child=serializers.CharField(), help_text="本环节同时录入的数据字段")
    requires = serializers.ListField(child=serializers.CharField())
    moves_to = serializers.CharField(allow_null=True, help_text="同意后进入的阶段（若本环节完成本阶段）")
    moves_to_label = serializers.CharField(allow_null=True)
    available = serializers.BooleanField(help_text="现在即可同意办理（无未满足条件）")
    unmet = RuleViolationSerializer(many=True, help_text="尚未满足的条件（中文说明）")


class TransitionListSerializer(serializers.Serializer):
    stage = serializers.CharField()
    stage_label = serializers.CharField()
    stage_round = serializers.IntegerField(allow_null=True)
    transitions = TransitionSerializer(many=True)


class HouseholdTransitionInput(serializers.Serializer):
    opinion = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                    help_text="办理意见（退回、不同意清退时必填）")
    decision = serializers.ChoiceField(choices=[("approve", "同意"), ("return", "退回")], default="approve")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                   help_text="清退原因，或保留旧房原因代码")
    approve = serializers.BooleanField(default=True, help_text="清退审批：true 同意 / false 不同意")
    actual_floor_area = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False,
                                                 help_text="验收实测住房面积（㎡），住建部门质量验收时录入")
    reclaimed_area_mu = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False,
                                                 help_text="复垦面积（亩），拆旧复垦登记时录入")
    follow_up_officer = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                                 help_text="后扶专干（用户编号），拆旧复垦登记时录入")
    expected_stage = serializers.ChoiceField(choices=HouseholdStage.choices, required=False,
                                             help_text="调用方所见的阶段；已变化则返回409，不执行")
    expected_round = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                              help_text="调用方所见的阶段轮次；已变化则返回409，不执行")


class SiteTransitionInput(serializers.Serializer):
    opinion = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    decision = serializers.ChoiceField(choices=[("approve", "同意"), ("return", "退回")], default="approve")
    changes = serializers.DictField(required=False, help_text="本环节录入的数据（见列表中的 fields）")
    expected_stage = serializers.ChoiceField(choices=SiteStage.choices, required=False)


class TransitionResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    decision = serializers.CharField()
    opinion_id = serializers.IntegerField(allow_null=True)
    moved_to = serializers.CharField(allow_null=True)
    moved_to_label = serializers.CharField(allow_null=True)
    warnings = serializers.ListField(child=serializers.CharField())
