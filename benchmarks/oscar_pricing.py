"""django-oscar's offer engine on the carts of benchmarks/pricing.py: run by that script, inside benchmarks/.oscar-venv.

    benchmarks/.oscar-venv/bin/python benchmarks/oscar_pricing.py SPEC.json WORKDIR

SPEC.json (written by pricing.py) holds the stores, categories, products with
their prices, the offers (each as a range, a condition and a benefit), the
voucher offers and the baskets. This script configures a minimal Django
project (SQLite in WORKDIR, Oscar's apps, its migrations), creates all of it
through Oscar's models, then times `Applicator().apply(basket, user, request)`
per basket, as Oscar's BasketMiddleware calls it, and prints one JSON line.

The migrated empty database is kept in WORKDIR and copied for the next size,
so the migrations run once per pricing.py run.
"""

from __future__ import annotations

import json
import platform
import shutil
import sqlite3
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

URLS = """from django.apps import apps
from django.urls import include, path

urlpatterns = [path("", include(apps.get_app_config("oscar").urls[0]))]
"""


def configure(database: Path) -> None:
    import django
    from django.conf import settings
    from oscar import INSTALLED_APPS
    from oscar import defaults as oscar_defaults

    oscar_settings = {k: v for k, v in vars(oscar_defaults).items() if k.isupper()}
    oscar_settings["OSCAR_DEFAULT_CURRENCY"] = "CNY"
    oscar_settings["HAYSTACK_SIGNAL_PROCESSOR"] = "haystack.signals.BaseSignalProcessor"  # no index updates while loading
    settings.configure(
        DEBUG=False,  # no query log
        SECRET_KEY="pricing-benchmark",
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}},
        INSTALLED_APPS=INSTALLED_APPS,
        SITE_ID=1,
        USE_TZ=True,
        TIME_ZONE="UTC",
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        ROOT_URLCONF="oscar_pricing_urls",
        HAYSTACK_CONNECTIONS={"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}},
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {}}],
        LOGGING_CONFIG=None,
        **oscar_settings,
    )
    django.setup()


def migrated(workdir: Path, database: Path) -> None:
    """A migrated empty database at `database`: migrate once, then copy."""
    template = workdir / "oscar-migrated.sqlite3"
    if template.exists():
        shutil.copyfile(template, database)
        configure(database)
        return
    configure(database)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    connection.close()
    shutil.copyfile(database, template)


def build(spec: dict) -> list[tuple[int, int]]:
    """Every product, stock record, range, offer, voucher and basket of the spec, through Oscar's models."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from oscar.core.loading import get_class, get_model

    Partner = get_model("partner", "Partner")
    StockRecord = get_model("partner", "StockRecord")
    ProductClass = get_model("catalogue", "ProductClass")
    Product = get_model("catalogue", "Product")
    Category = get_model("catalogue", "Category")
    ProductCategory = get_model("catalogue", "ProductCategory")
    Range = get_model("offer", "Range")
    RangeProduct = get_model("offer", "RangeProduct")
    Condition = get_model("offer", "Condition")
    Benefit = get_model("offer", "Benefit")
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    Voucher = get_model("voucher", "Voucher")
    Basket = get_model("basket", "Basket")
    Selector = get_class("partner.strategy", "Selector")
    User = get_user_model()

    with transaction.atomic():
        classes, partners = {}, {}
        for store in spec["stores"]:
            # a store is a product class (so a range can cover a store) and a partner (its stock records)
            classes[store] = ProductClass.objects.create(name=f"Store {store}", slug=f"store-{store}", track_stock=False)
            partners[store] = Partner.objects.create(name=f"Store {store}", code=f"store-{store}")
        categories = {cid: Category.add_root(name=f"Store {store} category {cid}") for cid, store in spec["categories"]}
        Product.objects.bulk_create([
            Product(id=sku, structure="standalone", title=f"SKU {sku}", slug=f"sku-{sku}", product_class=classes[store])
            for sku, store, _, _ in spec["products"]])
        ProductCategory.objects.bulk_create([ProductCategory(product_id=sku, category=categories[category])
                                             for sku, _, category, _ in spec["products"]])
        StockRecord.objects.bulk_create([
            StockRecord(product_id=sku, partner=partners[store], partner_sku=f"S{sku}", price_currency="CNY",
                        price=Decimal(price), num_in_stock=10_000)
            for sku, store, _, price in spec["products"]])

        def offer(o: dict, offer_type: str):
            scope = o["range"]
            rng = Range.objects.create(name=f"{offer_type} {o['id']}", includes_all_products=bool(scope.get("all")))
            if "products" in scope:
                RangeProduct.objects.bulk_create([RangeProduct(range=rng, product_id=p) for p in scope["products"]])
            if "categories" in scope:
                rng.included_categories.set([categories[c] for c in scope["categories"]])
            if "store" in scope:
                rng.classes.set([classes[scope["store"]]])
            condition = Condition.objects.create(range=rng, type=o["condition"][0], value=Decimal(o["condition"][1]))
            kind, value = o["benefit"]
            benefit = Benefit.objects.create(range=rng, type=kind, value=None if value is None else Decimal(value),
                                             max_affected_items=o["max_affected_items"])
            used_up = {"max_global_applications": 1, "num_applications": 1} if o["used_up"] else {}  # saved as Consumed
            return ConditionalOffer.objects.create(
                name=f"{offer_type} {o['id']} {o['name']}"[:128], offer_type=offer_type, condition=condition, benefit=benefit,
                exclusive=o["exclusive"], priority=o["priority"], max_basket_applications=o["max_basket_applications"], **used_up)

        for o in spec["offers"]:
            offer(o, ConditionalOffer.SITE)
        voucher_offers = {o["id"]: offer(o, ConditionalOffer.VOUCHER) for o in spec["voucher_offers"]}

        now = timezone.now()
        strategy = Selector().strategy()
        products = {p.id: p for p in Product.objects.all()}
        baskets = []
        for n, b in enumerate(spec["baskets"]):
            user = User.objects.create(username=f"buyer{n}", email=f"buyer{n}@example.com")
            basket = Basket.objects.create(owner=user)
            basket.strategy = strategy
            for sku, quantity in b["lines"]:
                basket.add_product(products[sku], quantity)
            for k, template in enumerate(b["vouchers"]):
                # each buyer's coupon is its own single-use voucher, linked to the offer of its coupon
                voucher = Voucher.objects.create(name=f"coupon {n}-{k}", code=f"C{n:06d}K{k}", usage=Voucher.SINGLE_USE,
                                                 start_datetime=now - timedelta(days=1), end_datetime=now + timedelta(days=30))
                voucher.offers.add(voucher_offers[template])
                basket.vouchers.add(voucher)
            baskets.append((basket.id, user.id))
    return baskets


def measure(spec: dict, baskets: list[tuple[int, int]]) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from oscar.apps.offer.applicator import Applicator
    from oscar.core.loading import get_class, get_model

    Basket = get_model("basket", "Basket")
    Selector = get_class("partner.strategy", "Selector")
    User = get_user_model()
    strategy = Selector().strategy()

    def loaded(basket_id: int, user_id: int):
        """The basket as the middleware holds it: lines and their prices loaded (untimed)."""
        basket = Basket.objects.get(id=basket_id)
        basket.strategy = strategy
        for line in basket.all_lines():
            line.purchase_info  # noqa: B018  (fetches the line's price)
        return basket, User.objects.get(id=user_id)

    warm = spec["warmup"]
    latencies, preloaded, applied, listed, discounts, queries = [], [], [], [], [], []
    clock = time.perf_counter
    for n, (basket_id, user_id) in enumerate(baskets):
        basket, user = loaded(basket_id, user_id)
        t0 = clock()
        Applicator().apply(basket, user, None)
        elapsed = clock() - t0
        if n < warm:
            continue
        latencies.append(elapsed)
        applied.append(len(basket.offer_applications))
        discounts.append(sum(a["discount"] for a in basket.offer_applications))
        listed.append(sum(line.unit_effective_price * line.quantity for line in basket.all_lines()))

        # the same basket again, with the offers fetched beforehand: what applying them costs on its own
        basket, user = loaded(basket_id, user_id)
        applicator = Applicator()
        offers = applicator.get_offers(basket, user, None)
        for o in offers:
            o.condition, o.benefit  # noqa: B018  (loads them)
        t0 = clock()
        applicator.apply_offers(basket, offers)
        preloaded.append(clock() - t0)

        if len(queries) < 10:  # SQL statements per basket, counted on a few baskets (outside the timing)
            count = [0]

            def counter(execute, sql, params, many, context):
                count[0] += 1
                return execute(sql, params, many, context)

            basket, user = loaded(basket_id, user_id)
            with connection.execute_wrapper(counter):
                Applicator().apply(basket, user, None)
            queries.append(count[0])

    import django
    import oscar

    return {
        "size": spec["size"],
        "oscar": oscar.get_version(),
        "django": django.get_version(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "sqlite": sqlite3.sqlite_version,
        "offers": len(spec["offers"]),
        "latencies": latencies,
        "preloaded": preloaded,
        "applied": sum(applied) / len(applied),
        "discount_share": float(sum(discounts) / sum(listed)),
        "queries": sum(queries) / len(queries),
    }


def main() -> int:
    spec_path, workdir = Path(sys.argv[1]), Path(sys.argv[2])
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    sys.path.insert(0, str(workdir))
    (workdir / "oscar_pricing_urls.py").write_text(URLS, encoding="utf-8")
    database = workdir / f"oscar-{spec['size']}.sqlite3"
    started = time.perf_counter()
    migrated(workdir, database)
    baskets = build(spec)
    setup = time.perf_counter() - started
    print(f"Oscar: {len(spec['offers'])} offers, {len(baskets)} baskets ready in {setup:.1f} s", file=sys.stderr, flush=True)
    report = measure(spec, baskets)
    report["setup_seconds"] = setup
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
