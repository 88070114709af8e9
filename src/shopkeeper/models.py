"""Every table, imported in one place for Alembic and for tests."""

from shopkeeper import auth, events, idempotency, sessions, simulation, timers  # noqa: F401
from shopkeeper.aftersales import models as aftersales  # noqa: F401
from shopkeeper.catalog import models as catalog  # noqa: F401
from shopkeeper.crossborder import models as crossborder  # noqa: F401
from shopkeeper.customers import models as customers  # noqa: F401
from shopkeeper.db import Base
from shopkeeper.fulfillment import models as fulfillment  # noqa: F401
from shopkeeper.inventory import models as inventory  # noqa: F401
from shopkeeper.orders import models as orders  # noqa: F401
from shopkeeper.orders.intake import models as intake  # noqa: F401
from shopkeeper.promotions import models as promotions  # noqa: F401
from shopkeeper.promotions.campaigns import models as campaigns  # noqa: F401
from shopkeeper.purchasing import models as purchasing  # noqa: F401
from shopkeeper.social.assists import models as assists  # noqa: F401
from shopkeeper.social.community import models as community  # noqa: F401
from shopkeeper.social.content import models as content  # noqa: F401
from shopkeeper.social.distribution import models as distribution  # noqa: F401
from shopkeeper.social.groupbuys import models as groupbuys  # noqa: F401
from shopkeeper.social.packets import models as packets  # noqa: F401
from shopkeeper.social.pools import models as pools  # noqa: F401
from shopkeeper.social.rewards import models as rewards  # noqa: F401
from shopkeeper.warehouse import models as warehouse  # noqa: F401
from shopkeeper.webhooks import models as webhooks  # noqa: F401

metadata = Base.metadata
