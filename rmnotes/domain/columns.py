"""The columns of the three sheets people keep (client information, insurance coverage,
asset review): what each means in a client file, the headers it is recognised by, and the
header and words it is exported with, in each interface language.

One vocabulary for both directions, so that an exported workbook always imports back:
every header and word :mod:`rmnotes.domain.exporting` writes is one that
:func:`recognise` and the cell readers take.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal
from typing import Any, Mapping, Sequence

from rmnotes.model import ASSET_TYPES, LIABILITY_TYPES, STATUSES

SHEET_KINDS = ("clients", "policies", "holdings")
LANGS = ("zh_TW", "zh_HK", "zh_CN", "en")
# labels are kept as (Traditional, Simplified, English); Hong Kong writes Traditional
# characters, with its own word where it has one (``hk``, HK_LABELS)
_SCRIPT = {"zh_TW": 0, "zh_HK": 0, "zh_CN": 1, "en": 2}


def pick(labels: tuple[str, str, str], lang: str) -> str:
    """The label of ``lang`` from (Traditional, Simplified, English)."""
    return labels[_SCRIPT.get(lang, 0)]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a sheet kind. ``path`` is where its value lives: in the client's
    front-matter for the clients sheet, in the policy or asset mapping for the others
    (empty for columns that only select: id, client)."""

    key: str
    read: str  # the cell reader: text, texts, tier, phone, mobile, amount, day, risk, whole, yes_no, choice, ...
    labels: tuple[str, str, str]  # zh_TW, zh_CN, en: the exported header
    synonyms: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    marker: bool = True  # a header that says which kind of sheet this is
    choices: str | None = None  # the vocabulary of a choice column (a key of WORDS)
    hk: str | None = None  # Hong Kong's header, where it is not Taiwan's

    def label(self, lang: str) -> str:
        if lang == "zh_HK" and self.hk:
            return self.hk
        return pick(self.labels, lang)

    @property
    def headers(self) -> tuple[str, ...]:
        return (*self.labels, *((self.hk,) if self.hk else ()), *self.synonyms)


def _c(key: str, read: str, labels: tuple[str, str, str], synonyms: str = "", path: tuple[str, ...] = (),
       marker: bool = True, choices: str | None = None, hk: str | None = None) -> Column:
    return Column(key, read, labels, tuple(s for s in synonyms.split("|") if s), path, marker, choices, hk)


_ID = _c("id", "id", ("客戶代號", "客户编号", "id"), "代號|代号|客户代号|客戶號碼|客户号码|客戶id|客户id|client id|rmn id",
            marker=False, hk="客戶編號")
_CLIENT = _c("client", "text", ("客戶姓名", "客户姓名", "client"),
             "姓名|客戶|客户|客户名称|客戶名稱|要保人|client name|customer|customer name", marker=False)

FAMILY_RELATIONS = ("spouse", "child", "parent", "sibling", "other")

CLIENT_COLUMNS: tuple[Column, ...] = (
    _ID,
    _c("name", "text", ("姓名", "姓名", "name"),
       "客戶姓名|客户姓名|客户名称|客戶名稱|名字|客戶|客户|client|client name|full name|customer|customer name",
       path=("name",), marker=False),
    _c("aliases", "texts", ("別名", "别名", "aliases"), "英文名|英文姓名|alias|english name|nickname|暱稱|昵称",
       path=("aliases",)),
    _c("tier", "tier", ("等級", "等级", "tier"), "客戶等級|客户等级|分級|分级|客戶分級|客户分级|class|level",
       path=("tier",)),
    _c("status", "choice", ("狀態", "状态", "status"), "客戶狀態|客户状态", path=("status",), choices="status"),
    _c("since", "day", ("往來起始日", "往来起始日", "since"),
       "開戶日|开户日|客戶起始日|客户起始日|建檔日|建档日|client since|往來日|往来日", path=("since",)),
    _c("tags", "texts", ("標籤", "标签", "tags"), "分類|分类|tag|labels", path=("tags",)),
    _c("mobile", "mobile", ("手機", "手机", "mobile"),
       "行動電話|行动电话|移動電話|移动电话|手機號碼|手机号码|手機號|手机号|行動|手提电话|cell|cellphone|"
       "cell phone|mobile phone",
       path=("profile", "mobile"), hk="手提電話"),
    _c("phone", "phone", ("電話", "电话", "phone"),
       "市話|市话|住家電話|住宅電話|家用電話|公司電話|公司电话|聯絡電話|联络电话|联系电话|座機|座机|tel|telephone|home phone|work phone",
       path=("profile", "phone")),
    _c("email", "text", ("電子郵件", "电子邮件", "email"),
       "e-mail|mail|电邮|郵件|邮件|邮箱|郵箱|信箱|電子信箱|电子信箱|email address", path=("profile", "email"),
       hk="電郵"),
    _c("address", "text", ("地址", "地址", "address"),
       "住址|通訊地址|通讯地址|聯絡地址|联系地址|联络地址|戶籍地址|户籍地址|居住地址|家庭住址", path=("profile", "address")),
    _c("birthday", "day", ("生日", "生日", "birthday"),
       "出生日期|出生日|出生年月日|date of birth|dob|birth date|birthdate", path=("profile", "birthday")),
    _c("lunar_birthday", "lunar", ("農曆生日", "农历生日", "lunar birthday"), "過農曆生日|过农历生日",
       path=("profile", "lunar_birthday")),
    _c("occupation", "text", ("職業", "职业", "occupation"),
       "職稱|职称|職務|职务|工作|job|title|job title|position", path=("profile", "occupation")),
    _c("employer", "text", ("工作單位", "工作单位", "employer"),
       "服務單位|服务单位|公司|任職公司|任职公司|公司名稱|公司名称|服務機構|服务机构|單位|单位|company|work place",
       path=("profile", "employer")),
    _c("income", "amount", ("年收入", "年收入", "income"), "收入|年薪|年所得|annual income|yearly income",
       path=("profile", "income")),
    _c("hobbies", "texts", ("興趣", "兴趣", "hobbies"), "嗜好|愛好|爱好|興趣嗜好|兴趣爱好|interests|hobby",
       path=("profile", "hobbies")),
    _c("marital_status", "choice", ("婚姻狀況", "婚姻状况", "marital status"), "婚姻|婚姻狀態|婚姻状态|婚否|marital",
       path=("profile", "marital_status"), choices="marital"),
    _c("risk_profile", "risk", ("風險屬性", "风险等级", "risk profile"),
       "風險等級|风险属性|kyc|風險承受度|风险承受度|風險承受能力|风险承受能力|投資屬性|投资属性|风险取向|風險|风险|"
       "risk|kyc等級|kyc等级",
       path=("risk", "profile"), hk="風險取向"),
    _c("risk_assessed", "day", ("KYC日期", "KYC日期", "kyc date"),
       "風險評估日|风险评估日|風險評估日期|风险评估日期|評估日期|评估日期|kyc評估日|kyc评估日|assessed|risk assessed",
       path=("risk", "assessed")),
    _c("prefer", "channels", ("聯絡方式", "联系方式", "prefer"),
       "偏好聯絡方式|偏好联系方式|聯繫方式|联络方式|preferred contact|contact by", path=("contact", "prefer")),
    _c("no_calls", "text", ("勿電時段", "勿电时段", "no calls"), "不接電話時段|不接电话时段|勿擾時段|勿扰时段",
       path=("contact", "no_calls")),
    _c("best_time", "text", ("方便聯絡時間", "方便联系时间", "best time"),
       "最佳聯絡時間|最佳联系时间|方便時間|方便时间|方便時段|方便时段|最佳時段|最佳时段|best time to call",
       path=("contact", "best_time")),
    _c("spouse", "family", ("配偶", "配偶", "spouse"), "配偶姓名|太太|先生|妻子|丈夫|老婆|老公|wife|husband|partner"),
    _c("child", "family", ("子女", "子女", "children"), "子女姓名|小孩|孩子|兒女|儿女|kids|child"),
    _c("parent", "family", ("父母", "父母", "parents"), "父母姓名|雙親|双亲|parent"),
    _c("sibling", "family", ("兄弟姊妹", "兄弟姐妹", "siblings"), "兄弟姐妹|手足|sibling"),
    _c("other", "family", ("其他家人", "其他家人", "other family"), "家人|家庭成員|家庭成员|family|family members"),
    _c("notes", "notes", ("備註", "备注", "notes"), "附註|附注|說明|说明|注意事項|注意事项|note|remarks|remark|memo|comments",
       marker=False),
)

POLICY_COLUMNS: tuple[Column, ...] = (
    _ID, _CLIENT,
    _c("name", "text", ("保單名稱", "保单名称", "policy"),
       "商品名稱|商品名称|名稱|名称|產品名稱|产品名称|保險名稱|保险名称|險種名稱|险种名称|policy name|product|plan",
       path=("name",), marker=False),
    _c("insurer", "text", ("保險公司", "保险公司", "insurer"), "承保公司|保險人|insurance company|company",
       path=("insurer",)),
    _c("kind", "choice", ("險種", "险种", "kind"),
       "類別|类别|保险类别|保險種類|保险种类|種類|种类|類型|类型|type|category", path=("kind",), choices="kind",
       hk="保險類別"),
    _c("insured", "insured", ("被保險人", "被保险人", "insured"), "被保人|insured person", path=("insured",),
       hk="受保人"),
    _c("sum_assured", "amount", ("保額", "保额", "sum assured"),
       "保險金額|保险金额|投保金額|投保金额|保障額度|保障额度|sum insured|coverage|face amount",
       path=("sum_assured",)),
    _c("premium", "amount", ("保費", "保费", "premium"), "每期保費|每期保费|期繳保費|期缴保费|premium per payment",
       path=("premium",)),
    _c("premium_yearly", "amount", ("年繳保費", "年缴保费", "yearly premium"),
       "年化保費|年化保费|年保費|年保费|年度保費|年度保费|年繳保險費|annual premium|annualised premium|annualized premium",
       path=("premium",)),
    _c("premium_frequency", "choice", ("繳別", "缴费方式", "frequency"),
       "繳費方式|缴别|缴费模式|供款模式|繳費頻率|缴费频率|繳法|缴法|繳費別|缴费别|premium frequency|payment frequency|payment mode",
       path=("premium_frequency",), choices="frequency", hk="繳費模式"),
    _c("currency", "currency", ("幣別", "币种", "currency"), "币别|幣種|货币|幣值|ccy", path=("currency",),
       marker=False, hk="貨幣"),
    _c("start", "day", ("生效日", "生效日", "start"),
       "投保日|起保日|生效日期|投保日期|起保日期|契約始期|承保日|start date|effective date|issue date",
       path=("start",)),
    _c("term_years", "whole", ("年期", "年期", "term years"), "繳費年期|缴费年期|保障年期|term|years",
       path=("term_years",)),
    _c("next_premium", "day", ("下次繳費日", "下次缴费日", "next premium"),
       "下期繳費日|下期缴费日|下次扣款日|應繳日|应缴日|繳費日|缴费日|next due|next payment", path=("next_premium",)),
    _c("riders", "riders", ("附約", "附加险", "riders"), "附加險|附约|附加條款|rider", path=("riders",),
       hk="附加保障"),
)

HOLDING_COLUMNS: tuple[Column, ...] = (
    _ID, _CLIENT,
    _c("name", "text", ("名稱", "名称", "holding"),
       "資產名稱|资产名称|商品名稱|商品名称|產品名稱|产品名称|項目|项目|標的|标的|產品|产品|asset|product|name|item",
       path=("name",), marker=False),
    _c("type", "choice", ("類別", "类别", "type"),
       "類型|类型|資產類別|资产类别|種類|种类|商品類別|商品类别|asset type|category", path=("type",), choices="type"),
    _c("institution", "institution", ("往來機構", "往来机构", "institution"),
       "機構|机构|往來銀行|往来银行|銀行|银行|金融機構|金融机构|開戶行|开户行|bank", path=("institution",)),
    _c("value", "amount", ("金額", "金额", "value"),
       "市值|餘額|余额|現值|现值|價值|价值|參考市值|参考市值|資產金額|资产金额|amount|market value|balance",
       path=("value",)),
    _c("currency", "currency", ("幣別", "币种", "currency"), "币别|幣種|货币|幣值|ccy", path=("currency",),
       marker=False, hk="貨幣"),
    _c("since", "day", ("起始日", "起始日", "since"),
       "承作日|買進日|买入日|申購日|申购日|持有起日|開始日|开始日|起存日|purchase date|start", path=("since",)),
    _c("maturity", "day", ("到期日", "到期日", "maturity"), "到期日期|maturity date|due date", path=("maturity",)),
    _c("risk", "risk", ("風險等級", "风险等级", "risk"),
       "風險|风险|商品風險等級|商品风险等级|產品風險等級|产品风险等级|rr|risk level", path=("risk",)),
)

COLUMNS: Mapping[str, tuple[Column, ...]] = {
    "clients": CLIENT_COLUMNS, "policies": POLICY_COLUMNS, "holdings": HOLDING_COLUMNS}
SHEET_TITLES: Mapping[str, tuple[str, str, str]] = {
    "clients": ("客戶資料", "客户资料", "clients"),
    "policies": ("保險保障", "保险保障", "policies"),
    "holdings": ("資產檢視", "资产检视", "holdings"),
}

# words for the values of choice columns, (word, value), more specific words first (a cell
# is matched whole, then by the first word it holds); what export writes is in LABELS, and
# every word the screen shows in any language is here (a test holds them together)
WORDS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "kind": (
        ("投資型", "investment_linked"), ("投资型", "investment_linked"), ("投連", "investment_linked"),
        ("投连", "investment_linked"), ("投資相連", "investment_linked"), ("投资相连", "investment_linked"),
        ("投資連結", "investment_linked"), ("投资连结", "investment_linked"),
        ("變額", "investment_linked"), ("变额", "investment_linked"),
        ("重大疾病", "critical_illness"), ("重疾", "critical_illness"), ("危疾", "critical_illness"), ("重大傷病", "critical_illness"),
        ("重大伤病", "critical_illness"), ("長照", "long_term_care"), ("长照", "long_term_care"),
        ("長期照顧", "long_term_care"), ("長期照護", "long_term_care"), ("長期護理", "long_term_care"),
        ("长期护理", "long_term_care"),
        ("醫療", "medical"), ("医疗", "medical"), ("住院", "medical"), ("意外", "accident"),
        ("傷害", "accident"), ("伤害", "accident"), ("年金", "annuity"), ("壽險", "life"), ("寿险", "life"),
        ("人壽", "life"), ("人寿", "life"), ("其他", "other"),
    ),
    "type": (
        ("房貸", "mortgage"), ("房贷", "mortgage"), ("房屋貸款", "mortgage"), ("房屋贷款", "mortgage"),
        ("按揭", "mortgage"),
        ("信貸", "loan"), ("信贷", "loan"), ("貸款", "loan"), ("贷款", "loan"), ("借款", "loan"),
        ("結構型", "structured"), ("结构型", "structured"), ("結構性", "structured"), ("结构性", "structured"),
        ("理財", "wmp"), ("理财", "wmp"), ("定存", "deposit"), ("定期存款", "deposit"), ("存款", "deposit"),
        ("活存", "cash"), ("活期", "cash"), ("現金", "cash"), ("现金", "cash"), ("基金", "fund"),
        ("股票", "stock"), ("債券", "bond"), ("债券", "bond"), ("公債", "bond"), ("保險", "insurance"),
        ("保险", "insurance"), ("房地產", "property"), ("房地产", "property"), ("房產", "property"),
        ("房产", "property"), ("不動產", "property"), ("不动产", "property"), ("房屋", "property"),
        ("物業", "property"), ("物业", "property"),
        ("其他", "other"),
    ),
    "frequency": (
        ("半年繳", "semiannual"), ("半年缴", "semiannual"), ("半年", "semiannual"), ("年繳", "annual"),
        ("年缴", "annual"), ("年交", "annual"), ("月繳", "monthly"), ("月缴", "monthly"), ("月交", "monthly"),
        ("季繳", "quarterly"), ("季缴", "quarterly"), ("季交", "quarterly"), ("躉繳", "single"),
        ("趸缴", "single"), ("趸交", "single"), ("一次繳清", "single"), ("一次缴清", "single"),
        ("整付", "single"), ("整笔", "single"), ("整筆", "single"), ("一筆過", "single"), ("一笔过", "single"),
        ("每年", "annual"), ("每月", "monthly"), ("每季", "quarterly"), ("yearly", "annual"),
    ),
    "status": (
        # "不活躍" holds "活躍": the longer word first
        ("不活躍", "dormant"), ("不活跃", "dormant"), ("不動戶口", "dormant"), ("不动户口", "dormant"),
        ("往來中", "active"), ("往来中", "active"), ("有效", "active"), ("正常", "active"), ("活躍", "active"),
        ("活跃", "active"), ("潛在", "prospect"), ("潜在", "prospect"), ("準客戶", "prospect"),
        ("准客户", "prospect"), ("休眠", "dormant"), ("靜止", "dormant"), ("静止", "dormant"),
        ("沉睡", "dormant"), ("結清", "closed"), ("结清", "closed"), ("已結束", "closed"),
        ("已结束", "closed"), ("銷戶", "closed"), ("销户", "closed"), ("關閉", "closed"), ("关闭", "closed"),
    ),
    "marital": (
        ("已婚", "married"), ("未婚", "single"), ("單身", "single"), ("单身", "single"), ("離婚", "divorced"),
        ("离婚", "divorced"), ("離異", "divorced"), ("离异", "divorced"), ("喪偶", "widowed"),
        ("丧偶", "widowed"), ("分居", "separated"), ("同居", "partnered"), ("其他", "other"),
    ),
    "channel": (
        ("電話", "phone"), ("电话", "phone"), ("手機", "phone"), ("手机", "phone"), ("簡訊", "sms"),
        ("短信", "sms"), ("短訊", "sms"), ("微信", "wechat"), ("電郵", "email"), ("電子郵件", "email"),
        ("电子邮件", "email"), ("邮件", "email"), ("郵件", "email"), ("面談", "meeting"), ("面谈", "meeting"),
        ("見面", "meeting"), ("见面", "meeting"), ("會面", "meeting"), ("会面", "meeting"), ("拜訪", "meeting"),
        ("拜访", "meeting"),
    ),
}
ALLOWED: Mapping[str, tuple[str, ...]] = {
    "kind": ("life", "critical_illness", "medical", "accident", "annuity", "investment_linked",
             "long_term_care", "other"),
    "type": (*ASSET_TYPES, *LIABILITY_TYPES),
    "frequency": ("annual", "semiannual", "quarterly", "monthly", "single"),
    "status": STATUSES,
    "marital": ("single", "married", "divorced", "widowed", "separated", "partnered", "other"),
    "channel": ("phone", "sms", "line", "whatsapp", "wechat", "email", "meeting"),
}
# what export writes for a value, per language (zh_TW, zh_CN); English writes the value
LABELS: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "kind": {"life": ("壽險", "寿险"), "critical_illness": ("重大疾病", "重疾"), "medical": ("醫療", "医疗"),
             "accident": ("意外", "意外"), "annuity": ("年金", "年金"), "investment_linked": ("投資型", "投连"),
             "long_term_care": ("長照", "长期护理"), "other": ("其他", "其他")},
    "type": {"deposit": ("定存", "定期存款"), "fund": ("基金", "基金"), "stock": ("股票", "股票"),
             "bond": ("債券", "债券"), "wmp": ("理財", "理财"), "structured": ("結構型", "结构性"),
             "insurance": ("保險", "保险"), "property": ("房地產", "房产"), "cash": ("現金", "现金"),
             "other": ("其他", "其他"), "mortgage": ("房貸", "房贷"), "loan": ("貸款", "贷款")},
    "frequency": {"annual": ("年繳", "年缴"), "semiannual": ("半年繳", "半年缴"), "quarterly": ("季繳", "季缴"),
                  "monthly": ("月繳", "月缴"), "single": ("躉繳", "趸缴")},
    "status": {"active": ("往來中", "活跃"), "prospect": ("潛在客戶", "潜在客户"), "dormant": ("靜止戶", "休眠客户"),
               "closed": ("已結清", "已销户")},  # as the screens say them
    "marital": {"married": ("已婚", "已婚"), "single": ("未婚", "未婚"), "divorced": ("離婚", "离婚"),
                "widowed": ("喪偶", "丧偶"), "separated": ("分居", "分居"), "partnered": ("同居", "同居"),
                "other": ("其他", "其他")},
    "channel": {"phone": ("電話", "电话"), "sms": ("簡訊", "短信"), "line": ("LINE", "LINE"),
                "whatsapp": ("WhatsApp", "WhatsApp"), "wechat": ("微信", "微信"), "email": ("郵件", "邮件"),
                "meeting": ("面談", "面谈")},
}
# Hong Kong's words where they are not Taiwan's, as the zh_HK screens say them (in a cell's
# short form: 危疾 for the screens' 危疾保險)
HK_LABELS: Mapping[str, Mapping[str, str]] = {
    "kind": {"life": "人壽", "critical_illness": "危疾", "investment_linked": "投資相連",
             "long_term_care": "長期護理"},
    "type": {"structured": "結構性", "property": "物業", "mortgage": "按揭"},
    "frequency": {"single": "整付"},
    "status": {"active": "活躍", "dormant": "不動戶口", "closed": "已結束往來"},
    "channel": {"sms": "短訊", "email": "電郵", "meeting": "會面"},
}
RISK_WORDS: tuple[tuple[str, int], ...] = (
    ("保守", 1), ("謹慎", 2), ("谨慎", 2), ("安穩", 2), ("安稳", 2), ("穩健", 3), ("稳健", 3), ("平衡", 3),
    ("成長", 4), ("成长", 4), ("進取", 4), ("进取", 4), ("積極", 5), ("积极", 5), ("激進", 5), ("激进", 5),
    ("conservative", 1), ("moderate", 3), ("balanced", 3), ("growth", 4), ("aggressive", 5),
)
OURS_WORDS = ("本行", "本銀行", "本银行", "我行", "ours")
OURS_LABEL = ("本行", "本行", "ours")
# an asset the client holds themselves (`institution: self`, a home): the screens say 自有
SELF_HELD_WORDS = ("自有", "自持", "self-held", "self")
SELF_HELD_LABEL = ("自有", "自有", "self")
SELF_WORDS = ("本人", "自己", "要保人本人", "self")
SELF_LABEL = ("本人", "本人", "self")
YEARLY_DIVISOR: Mapping[str, int] = {"annual": 1, "semiannual": 2, "quarterly": 4, "monthly": 12}


def word_for(vocabulary: str, value: str, lang: str) -> str:
    """What export writes for ``value`` of a choice column."""
    labels = LABELS.get(vocabulary, {}).get(value)
    if labels is None or lang == "en":
        return value
    if lang == "zh_HK":
        return HK_LABELS.get(vocabulary, {}).get(value, labels[0])
    return pick(labels, lang)


def language_of(language: str | None, region: str | None) -> str:
    """The language of exported headers and words: the vault's ``language`` when set, else
    the region's: Traditional Chinese for TW, Hong Kong's for HK and MO, Simplified for
    CN, SG and MY, else English."""
    from rmnotes.i18n import CHINESE_REGIONS, region_language

    if language:
        if language.startswith("zh"):
            return language if language in ("zh_CN", "zh_HK") else "zh_TW"
        return "en"
    return region_language(region) if (region or "").upper() in CHINESE_REGIONS else "en"


# ---------------------------------------------------------------------- headers
_BRACKETS = re.compile(r"[（(\[【〔](.*?)[）)\]】〕]")
_DROP = re.compile(r"[\s:：*＊#＃.。_\-]+")


def header_key(text: str) -> str:
    """A header as compared: NFKC (full-width forms as ASCII), lower case, without spaces,
    brackets' contents, colons, stars and dashes."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = _BRACKETS.sub("", t)
    return _DROP.sub("", t)


@dataclass(frozen=True, slots=True)
class HeaderNote:
    """What a header's brackets say about its column's values: a unit (``保額(萬)``) or a
    currency (``金額(USD)``)."""

    factor: Decimal = Decimal(1)
    currency: str | None = None


_UNIT = {"萬": Decimal(10_000), "万": Decimal(10_000), "千": Decimal(1000), "仟": Decimal(1000),
         "百萬": Decimal(1_000_000), "百万": Decimal(1_000_000), "億": Decimal(100_000_000),
         "亿": Decimal(100_000_000)}


@lru_cache(maxsize=1024)
def header_note(text: str) -> HeaderNote:
    inside = " ".join(_BRACKETS.findall(unicodedata.normalize("NFKC", text)))
    factor = Decimal(1)
    for unit in sorted(_UNIT, key=len, reverse=True):
        if unit in inside:
            factor = _UNIT[unit]
            break
    code = re.search(r"\b([A-Za-z]{3})\b", inside)
    return HeaderNote(factor, code.group(1).upper() if code else None)


def _table(kind: str) -> dict[str, Column]:
    out: dict[str, Column] = {}
    for column in COLUMNS[kind]:
        for header in column.headers:
            out.setdefault(header_key(header), column)
    return out


_TABLES = {kind: _table(kind) for kind in SHEET_KINDS}


@dataclass(frozen=True, slots=True)
class Layout:
    """A sheet recognised: its kind, the header row (from 0), and each column's meaning
    (None for a header nobody recognised; it is kept under ``imported:``)."""

    kind: str
    header_row: int
    columns: tuple[Column | None, ...]
    headers: tuple[str, ...]  # as written

    def index(self, key: str) -> int | None:
        for i, column in enumerate(self.columns):
            if column is not None and column.key == key:
                return i
        return None


def recognise(rows: Sequence[Sequence[Any]], mapping: Mapping[str, str] | None = None,
              look: int = 10) -> Layout | None:
    """The kind and header row of a sheet: of its first ``look`` rows, the one whose cells
    name the most columns of one kind (title rows above it, merged or not, are passed
    over). ``mapping`` maps headers as written to column keys (``--map``). None when no
    row names at least two columns, one of them saying which kind of sheet this is."""
    best: tuple[int, int, str, int] | None = None  # (markers, recognised, kind, row)
    extra = {header_key(h): k for h, k in (mapping or {}).items()}
    for r, row in enumerate(rows[:look]):
        for kind in SHEET_KINDS:
            found = [_column(kind, cell, extra) for cell in row]
            found = [c for c in found if c is not None]
            keys = {c.key for c in found}
            markers = sum(1 for c in found if c.marker)
            names_client = bool(keys & {"name", "id"}) if kind == "clients" else bool(keys & {"client", "id"})
            if markers == 0 or len(keys) < 2 or not names_client:
                continue
            score = (markers, len(keys), kind, r)
            if best is None or score[:2] > best[:2]:
                best = score
    if best is None:
        return None
    kind, r = best[2], best[3]
    row = rows[r]
    columns = tuple(_column(kind, cell, extra) for cell in row)
    headers = tuple("" if cell is None else str(cell).strip() for cell in row)
    return Layout(kind, r, columns, headers)


SKIP = Column("skip", "skip", ("", "", ""), marker=False)  # --map: a column to leave out


def _column(kind: str, cell: Any, extra: Mapping[str, str]) -> Column | None:
    if not isinstance(cell, str) or not cell.strip():
        return None
    k = header_key(cell)
    if k in extra:
        wanted = extra[k]
        if wanted == "skip":
            return SKIP
        return next((c for c in COLUMNS[kind] if c.key == wanted), None)
    return _TABLES[kind].get(k)


def mapping_key(text: str) -> str | None:
    """The column key a ``--map`` line names: a key (``sum_assured``), or a column's English
    header as ``rmn export`` writes it (``sum assured``, ``KYC date``); None for neither."""
    wanted = text.strip()
    if wanted in mapping_keys() or wanted == "skip":
        return wanted
    return next((c.key for k in SHEET_KINDS for c in COLUMNS[k] if c.labels[2].casefold() == wanted.casefold()), None)


def mapping_keys(kind: str | None = None) -> list[str]:
    """The column keys a ``--map`` file may name."""
    kinds = [kind] if kind else SHEET_KINDS
    return sorted({c.key for k in kinds for c in COLUMNS[k]})
