"""Who answers for goods seized by customs (海关扣关), by cause (RULES.md §6.3, AliExpress dispute rules).

The buyer answers for what happens on the import side: unpaid duties, not cooperating with clearance, goods the
importing country prohibits, missing import licences. The seller answers for what it sent: infringing, counterfeit
or imitation goods, a declared value that does not match, certificates it had to provide (CE, RoHS, certificate of
origin...). A cause not known yet, or not in the table, is decided by the dispute: DHgate's "Package was
intercepted by customs" names the responsible party only once the dispute establishes why (RULES.md §7.1.3). That
reading uses after-sales' party "investigation", so a case can take the answer as it is.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Mapping

from shopkeeper.rulebooks.aftersales import Party


class SeizureCause(StrEnum):
    """Stable codes: stored on cases and sent over the API; never rename one."""

    UNPAID_DUTIES = "unpaid-duties"  # 不支付关税
    NOT_COOPERATING_WITH_CLEARANCE = "not-cooperating-with-clearance"  # 不配合清关
    IMPORT_PROHIBITED = "import-prohibited"  # 进口国禁止进口
    BUYER_LACKS_LICENCE = "buyer-lacks-licence"  # buyer lacks licences or import qualification
    INFRINGEMENT = "infringement"  # 侵权
    COUNTERFEIT = "counterfeit"  # 假货
    IMITATION = "imitation"  # 仿货
    DECLARED_VALUE_MISMATCH = "declared-value-mismatch"  # 申报价值不符
    MISSING_SELLER_CERTIFICATES = "missing-seller-certificates"  # certificates the seller must provide


RESPONSIBLE: Mapping[SeizureCause, Party] = MappingProxyType({
    SeizureCause.UNPAID_DUTIES: "buyer",
    SeizureCause.NOT_COOPERATING_WITH_CLEARANCE: "buyer",
    SeizureCause.IMPORT_PROHIBITED: "buyer",
    SeizureCause.BUYER_LACKS_LICENCE: "buyer",
    SeizureCause.INFRINGEMENT: "seller",
    SeizureCause.COUNTERFEIT: "seller",
    SeizureCause.IMITATION: "seller",
    SeizureCause.DECLARED_VALUE_MISMATCH: "seller",
    SeizureCause.MISSING_SELLER_CERTIFICATES: "seller",
})

TO_BE_DETERMINED: Party = "investigation"  # §7.1.3: the dispute establishes the detention reason first


def responsible_for_seizure(cause: str | None) -> Party:
    """The party that answers for a seizure of this cause; unknown or missing cause: the dispute decides."""
    if cause is None:
        return TO_BE_DETERMINED
    try:
        return RESPONSIBLE[SeizureCause(cause)]
    except ValueError:
        return TO_BE_DETERMINED
