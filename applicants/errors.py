"""The one error type services raise; views turn it into form errors, the API into 4xx bodies."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A refused operation, with a message for the user and, if it concerns one, the field."""

    status_code = 400

    def __init__(self, message: object, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class NotAllowed(ServiceError):
    """The actor's role or jurisdiction does not allow this operation."""

    status_code = 403

    def __init__(self, message: object = None, **kwargs: object) -> None:
        super().__init__(message or NOT_ALLOWED, code="not_allowed", **kwargs)  # type: ignore[arg-type]


class Conflict(ServiceError):
    """The case changed under the actor (someone else decided first)."""

    status_code = 409

    def __init__(self, message: object, **kwargs: object) -> None:
        super().__init__(message, code="conflict", **kwargs)  # type: ignore[arg-type]


NOT_ALLOWED = _("您无权进行此操作。")
REASON_REQUIRED = _("此操作必须填写理由。")
ALREADY_DECIDED = _("该申报当前状态为“%(status)s”，已被他人处理或不再允许此操作，请刷新后查看。")
UNKNOWN_ACTION = _("未知的操作。")

# Enterprises and their accounts.
NOT_AN_ENTERPRISE_USER = _("只有企业申报账号可以进行此操作。")
CREDIT_CODE_LENGTH = _("统一社会信用代码应为18位（数字或大写字母）。")
CREDIT_CODE_FORMAT = _(
    "统一社会信用代码格式不正确：前8位应为数字，其余为数字或大写字母（不使用 I、O、Z、S、V）。"
)
CREDIT_CODE_CHECKSUM = _(
    "统一社会信用代码校验位不正确（按 GB 32100-2015 计算不符），请核对营业执照后重新输入。"
)
CREDIT_CODE_TAKEN = _(
    "该统一社会信用代码已注册。一个单位只能注册一次；如需账号，请联系本单位已注册的同事在“单位成员”页面为您创建。"
)
# Flags (not refusals): the code's registration division against the chosen jurisdiction.
CREDIT_CODE_OUTSIDE_CITY = _(
    "统一社会信用代码第3–8位（登记管理机关行政区划码）为%(division)s，不在信阳市（4115xx）：请核实该单位是否在本市注册。"
)
CREDIT_CODE_OTHER_JURISDICTION = _(
    "统一社会信用代码第3–8位（登记管理机关行政区划码）为%(division)s（%(name)s），与所属县区“%(jurisdiction)s”不一致：单位可能已迁址，请核实注册地。"
)
REGISTERED_WITH_DIVISION_WARNING = _(
    "请核对：%(warning)s如登记信息有误，请联系县区审核部门更正；县区审核时也会看到这一提示。"
)
USERNAME_TAKEN = _("该用户名已被使用，请换一个。")
UNKNOWN_JURISDICTION = _("请选择所属县区。")
UNKNOWN_APPLICANT_TYPE = _("请选择申报主体类型。")
# A required text that is empty once invisible characters are removed (services check it too).
FIELD_REQUIRED = _("请填写此项。")

# Applications.
UNKNOWN_ITEM = _("未知的奖励事项。")
APPLICATION_LOCKED = _("该申报当前状态为“%(status)s”，已锁定，不能修改。")
FIRST_TIME_ALREADY_GRANTED = _(
    "“%(item)s”每家企业只奖励一次：本单位已有该事项的申报获批或已兑付，不能再次申报。"
)
FIRST_TIME_OTHER_CASE = _(
    "%(item)s每家企业只奖励一次：本单位已有该事项的申报 %(reference)s（%(status)s）"
    "在办或已获奖励，不能再提交。该申报撤回或不予支持后，方可提交本申报。"
)
# Advice, not refusals: the rules will find the enterprise ineligible whatever it types.
ITEM_ONLY_FOR_APPLICANT_TYPES = _("仅限%(types)s申报")
ITEM_ONLY_FOR_JURISDICTIONS = _("仅限%(places)s的单位申报")
ITEM_NOT_ADMITTED_WARNING = _(
    "本单位的申报主体类型为“%(applicant_type)s”，而“%(item)s”%(reason)s：按规则将不符合条件。"
    "仍可提交，由审核部门决定。"
)
PROJECT_NAME_REQUIRED = _("请填写项目/成果名称。")
SUBMIT_FIELD_REQUIRED = _("提交前请填写此项。")
SUBMIT_EVIDENCE_REQUIRED = _("提交前请上传“%(label)s”。")
SUBMIT_DECLARATION_REQUIRED = _("提交前须阅读并勾选承诺书。")

# Evidence files.
EVIDENCE_BAD_TYPE = _("只接受 PDF、JPEG 或 PNG 文件（按文件内容识别，改扩展名无效）。")
EVIDENCE_TOO_LARGE = _("文件过大：每个文件不能超过 %(max)s MB。")
EVIDENCE_EMPTY = _("文件是空的。")
EVIDENCE_UNKNOWN_KIND = _("本事项不需要这类材料。")
# Evidence files as parsed (applicants/evidence_checks.py): what a viewer would run is refused.
EVIDENCE_PDF_MALFORMED = _(
    "PDF 文件已损坏或格式不正确，无法打开。请用原软件重新导出（或重新扫描）后上传。"
)
EVIDENCE_PDF_NO_PAGES = _("PDF 文件中没有任何页面，请检查后重新上传。")
EVIDENCE_PDF_ENCRYPTED = _(
    "PDF 文件已加密或设置了密码，审核人员无法查看。请取消密码保护后重新上传。"
)
EVIDENCE_PDF_TOO_COMPLEX = _(
    "PDF 文件过于复杂（超过 %(pages)s 页或内部结构过多），请拆分或精简后再上传。"
)
EVIDENCE_PDF_JAVASCRIPT = _(
    "PDF 文件含有脚本（JavaScript）或打开时自动执行的动作，出于安全原因不予接受。"
    "请用“打印为 PDF”或重新扫描生成不含脚本的文件后上传。"
)
EVIDENCE_PDF_LAUNCH = _(
    "PDF 文件含有启动外部程序或打开其他文件的动作，出于安全原因不予接受。"
    "请用“打印为 PDF”重新生成后上传。"
)
EVIDENCE_PDF_EMBEDDED = _(
    "PDF 文件内嵌了其他文件（附件），出于安全原因不予接受。"
    "请将附件的内容另行转换为 PDF 或图片上传。"
)
EVIDENCE_IMAGE_BROKEN = _("图片无法识别：文件已损坏或不完整。请重新拍摄、扫描或导出后上传。")
EVIDENCE_IMAGE_TOO_BIG = _(
    "图片尺寸过大（超过 %(megapixels)s 百万像素），请缩小尺寸或降低分辨率后上传。"
)
