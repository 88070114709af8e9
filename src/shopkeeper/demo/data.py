"""What the demo sells, to whom, and how they behave: numbers and names, no logic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

DAY = timedelta(days=1)

# Orders a store gets on an average day of the month, before rhythm and trend.
TAOBAO_ORDERS_PER_DAY = 40.0
CROSS_BORDER_ORDERS_PER_DAY = 26.0
DHGATE_ORDERS_PER_DAY = 7.0
# Monday first. Chinese and Western shoppers alike buy most on Sunday and Monday.
WEEKDAY_RHYTHM = (1.08, 0.98, 0.95, 0.94, 0.90, 1.02, 1.13)
# Relative order volume by the buyer's local hour: a lunch bump, the evening peak.
LOCAL_HOUR_WEIGHTS = (1.3, 0.7, 0.35, 0.2, 0.15, 0.2, 0.4, 0.8, 1.1, 1.4, 1.6, 1.6,
                      1.8, 1.5, 1.4, 1.4, 1.5, 1.6, 1.8, 2.2, 2.8, 3.2, 3.0, 2.1)

PAID_SHARE = 0.85
CANCELLED_UNPAID_SHARE = 0.04
ABANDONED_AT_CHECKOUT_SHARE = 0.35  # of the unpaid rest: opened the cashier, never paid
CART_SHARE = 0.35
ABANDONED_CART_SHARE = 0.05
FAILED_PAYMENT_SHARE = 0.03
CANCELLED_PAID_SHARE = 0.02
LATE_SHIPMENT_SHARE = 0.04
DELIVERY_SCAN_SHARE = 0.75
# the carrier's pickup scan (揽件), what "shipped" means on Taobao (RULES.md §7.3): most parcels get one, hours
# after the tracking number; one picked up late after a tracking number typed near the deadline misses ship-by
PICKUP_SCAN_SHARE = 0.96
PICKUP_HOURS = (1.0, 20.0)
BUYER_CONFIRMS_SHARE = 0.60
# 延长收货 (RULES.md §17.1), where the rulebook offers it: the seller puts receipt off for half the buyers in remote
# regions, whose parcels take longer, and for a few others; a few buyers ask for more time once 3 days or less are left
SELLER_EXTENDS_REMOTE_SHARE = 0.5
SELLER_EXTENDS_SHARE = 0.04
BUYER_EXTENDS_SHARE = 0.05
SCARCE_SKU_SHARE = 0.03

CANCEL_REASONS = ("changed_mind", "ordered_by_mistake", "wrong_address", "found_cheaper")


# --- the catalog ------------------------------------------------------------------------------

Axis = tuple[str, list[tuple[str, str, float, float]]]  # option name, (value, code, price ×, weight ×)

_WEIGHT: Axis = ("净含量", [("50g", "50", 0.55, 0.6), ("100g", "100", 1.0, 1.0), ("250g", "250", 2.3, 2.1)])
_GRADE: Axis = ("等级", [("特级", "TJ", 1.35, 1.0), ("一级", "YJ", 1.0, 1.0)])
_ROAST: Axis = ("香型", [("清香型", "QX", 1.0, 1.0), ("浓香型", "NX", 1.05, 1.0)])
_CAKE: Axis = ("规格", [("357g 单饼", "357", 1.0, 1.0), ("七子饼 整提", "T7", 6.6, 6.8)])
_TEAWARE_SIZE: Axis = ("容量", [("150ml", "150", 1.0, 1.0), ("220ml", "220", 1.25, 1.3)])
_PLUG: Axis = ("plug", [("US", "US", 1.0, 1.0), ("EU", "EU", 1.0, 1.0)])


def _axis(name: str, *values: str, step: float = 0.0) -> Axis:
    """Values that differ by name only, or by `step` more price and weight each."""
    return name, [(v, _code_token(v, i), 1.0 + step * i, 1.0 + step * i) for i, v in enumerate(values)]


def _code_token(value: str, index: int) -> str:
    """The ASCII part of an option value for the SKU code ("小号40cm" → 40CM), else its position."""
    ascii_part = "".join(ch for ch in value.upper() if ch.isascii() and ch.isalnum())
    return ascii_part[:6] or f"V{index + 1}"


@dataclass(frozen=True)
class _Listing:
    category: str
    title: str
    title_en: str
    prefix: str
    axes: tuple[Axis, ...]
    price: float  # major units, for the cheapest variant
    weight: int  # grams, of the base variant as shipped
    template: str  # "standard" | "bulky"
    customs: tuple[str, str, str] | None = None  # (name zh, name en, HS code)
    scarce: bool = False


# (key, 中文, English, parent key)
CategoryTree = list[tuple[str, str, str, str | None]]
TEA_CATEGORIES: CategoryTree = [
    ("tea", "茶叶", "Tea", None), ("green", "绿茶", "Green tea", "tea"), ("black", "红茶", "Black tea", "tea"),
    ("oolong", "乌龙茶", "Oolong", "tea"), ("puer", "普洱茶", "Pu'er", "tea"), ("white", "白茶", "White tea", "tea"),
    ("flower", "花草茶", "Flower & herbal tea", "tea"), ("teaware", "茶具", "Teaware", None),
    ("snacks", "茶点", "Tea snacks", None),
]

TEA_LISTINGS = [
    _Listing("green", "2025 明前特级西湖龙井", "West Lake Longjing, pre-Qingming 2025", "LJ", (_WEIGHT, _GRADE), 168, 150, "standard"),
    _Listing("green", "洞庭碧螺春", "Dongting Biluochun", "BLC", (_WEIGHT,), 128, 150, "standard"),
    _Listing("green", "黄山毛峰", "Huangshan Maofeng", "HSMF", (_WEIGHT,), 88, 150, "standard"),
    _Listing("green", "安吉白茶 明前", "Anji Bai Cha, pre-Qingming", "AJBC", (_WEIGHT, _GRADE), 138, 150, "standard"),
    _Listing("green", "信阳毛尖", "Xinyang Maojian", "XYMJ", (_WEIGHT,), 78, 150, "standard"),
    _Listing("green", "六安瓜片", "Lu'an Guapian", "LAGP", (_WEIGHT,), 98, 150, "standard"),
    _Listing("black", "武夷山正山小种", "Lapsang Souchong from Wuyishan", "ZSXZ", (_WEIGHT,), 88, 150, "standard"),
    _Listing("black", "金骏眉", "Jin Jun Mei", "JJM", (_WEIGHT, _GRADE), 198, 150, "standard"),
    _Listing("black", "祁门红茶 香螺", "Keemun black tea", "QMHC", (_WEIGHT,), 76, 150, "standard"),
    _Listing("black", "云南滇红金芽", "Yunnan Dianhong golden buds", "DHJY", (_WEIGHT,), 68, 150, "standard"),
    _Listing("oolong", "安溪铁观音", "Anxi Tieguanyin", "TGY", (_WEIGHT, _ROAST), 98, 150, "standard"),
    _Listing("oolong", "武夷岩茶大红袍", "Da Hong Pao rock tea", "DHP", (_WEIGHT,), 158, 150, "standard"),
    _Listing("oolong", "凤凰单丛 鸭屎香", "Phoenix Dancong, 'duck shit' aroma", "FHDC", (_WEIGHT,), 118, 150, "standard"),
    _Listing("oolong", "台湾冻顶乌龙", "Dong Ding oolong", "DDWL", (_WEIGHT,), 138, 150, "standard"),
    _Listing("puer", "2019 勐海古树普洱生茶饼", "2019 Menghai ancient-tree raw pu'er cake", "PESC", (_CAKE,), 268, 420, "standard"),
    _Listing("puer", "宫廷普洱熟茶 散茶", "Palace-grade ripe pu'er, loose", "PESH", (_WEIGHT,), 68, 150, "standard"),
    _Listing("puer", "新会小青柑普洱", "Xinhui mandarin pu'er", "XQG", (_axis("规格", "罐装10粒", "礼盒30粒", step=1.6),), 59, 260, "standard"),
    _Listing("puer", "2015 易武老生茶 限量", "2015 Yiwu aged raw pu'er, limited", "YWLS", (), 888, 420, "standard", scarce=True),
    _Listing("white", "福鼎白毫银针", "Fuding Silver Needle", "BHYZ", (_WEIGHT,), 238, 150, "standard"),
    _Listing("white", "福鼎白牡丹", "Fuding White Peony", "BMD", (_WEIGHT,), 98, 150, "standard"),
    _Listing("white", "寿眉老白茶饼 350g", "Shoumei aged white tea cake, 350 g", "SMBC", (), 128, 400, "standard"),
    _Listing("flower", "福州茉莉花茶", "Fuzhou jasmine tea", "MLHC", (_WEIGHT,), 58, 150, "standard"),
    _Listing("flower", "桐乡胎菊", "Tongxiang chrysanthemum buds", "TXTJ", (_WEIGHT,), 29, 120, "standard"),
    _Listing("flower", "桂花乌龙三角茶包", "Osmanthus oolong pyramid tea bags", "GHWL", (_axis("规格", "10包", "30包", step=1.5),), 39, 120, "standard"),
    _Listing("teaware", "宜兴紫砂壶 西施壶", "Yixing clay teapot, Xi Shi shape", "ZSH",
             (_axis("泥料", "朱泥", "紫泥", "段泥"), _TEAWARE_SIZE), 368, 350, "bulky"),
    _Listing("teaware", "景德镇青花盖碗", "Jingdezhen blue-and-white gaiwan", "QHGW", (_TEAWARE_SIZE,), 88, 300, "bulky"),
    _Listing("teaware", "玻璃公道杯", "Glass fairness pitcher", "GDB", (_axis("容量", "250ml", "350ml", step=0.3),), 39, 250, "bulky"),
    _Listing("teaware", "建阳建盏 主人杯", "Jian ware master cup", "JZ", (_axis("釉色", "兔毫金", "油滴", "曜变蓝", step=0.5),), 198, 200, "bulky"),
    _Listing("teaware", "旅行便携快客杯", "Travel tea set", "KKB", (_axis("颜色", "白色", "黑色", "青色"),), 69, 450, "bulky"),
    _Listing("teaware", "储水式竹制茶盘", "Bamboo tea tray with reservoir", "ZCP", (_axis("尺寸", "小号40cm", "大号60cm", step=0.6),), 158, 2200, "bulky"),
    _Listing("teaware", "电陶炉 煮茶器", "Electric ceramic tea stove", "DTL", (_axis("颜色", "曜石黑", "象牙白"),), 299, 2800, "bulky"),
    _Listing("teaware", "汝窑品茗杯 四只装", "Ru-ware tasting cups, set of four", "RYB", (_axis("釉色", "天青", "月白", "粉青"),), 128, 400, "bulky"),
    _Listing("snacks", "绿豆糕", "Mung bean cakes", "LDG", (_axis("口味", "原味", "抹茶", "桂花"),), 29.9, 450, "standard"),
    _Listing("snacks", "台式凤梨酥", "Taiwanese pineapple cakes", "FLS", (_axis("规格", "6枚", "12枚", step=0.9),), 39, 400, "standard"),
    _Listing("snacks", "宫廷桃酥", "Walnut cookies", "TS", (_axis("规格", "500g", "1kg", step=0.85),), 25, 550, "standard"),
]

HOME_CATEGORIES: CategoryTree = [
    ("lighting", "灯具照明", "Lighting", None), ("fragrance", "香薰蜡烛", "Candles & fragrance", None),
    ("textiles", "家纺布艺", "Home textiles", None), ("kitchen", "厨房餐具", "Kitchen & dining", None),
    ("decor", "装饰收纳", "Decor & storage", None),
]

HOME_LISTINGS = [
    _Listing("lighting", "Sunset Projection Lamp", "Sunset Projection Lamp", "SUN",
             (_axis("colour", "Sunset Red", "Rainbow", "Golden Hour"), _PLUG), 24.99, 650, "standard", ("落日投影灯", "LED lamp", "940540")),
    _Listing("lighting", "3D Moon Lamp", "3D Moon Lamp", "MOON", (_axis("size", "12 cm", "15 cm", "18 cm", step=0.3),),
             29.99, 500, "standard", ("月球灯", "LED night light", "940540")),
    _Listing("lighting", "Fairy String Lights, Warm White", "Fairy String Lights, Warm White", "FAIRY",
             (_axis("length", "5 m", "10 m", "20 m", step=0.6),), 12.99, 200, "standard", ("LED灯串", "LED string lights", "940531")),
    _Listing("lighting", "Rattan Pendant Shade", "Rattan Pendant Shade", "RATTAN", (_axis("size", "30 cm", "40 cm", step=0.4),),
             45.99, 1200, "bulky", ("藤编灯罩", "rattan lamp shade", "940599")),
    _Listing("lighting", "Mushroom Table Lamp", "Mushroom Table Lamp", "MUSH", (_axis("colour", "Cream", "Sage", "Terracotta"),),
             39.99, 1100, "standard", ("蘑菇台灯", "table lamp", "940520")),
    _Listing("lighting", "Smart Wi-Fi Bulb, 2-pack", "Smart Wi-Fi Bulb, 2-pack", "BULB", (_axis("fitting", "E26", "E27", "B22"),),
             19.99, 220, "standard", ("智能灯泡", "LED bulb", "853952")),
    _Listing("fragrance", "Soy Wax Scented Candle", "Soy Wax Scented Candle", "CANDLE",
             (_axis("scent", "Lavender", "Vanilla", "Sandalwood", "Fig"),), 16.99, 450, "standard", ("香薰蜡烛", "soy wax candle", "340600")),
    _Listing("fragrance", "Reed Diffuser 200 ml", "Reed Diffuser 200 ml", "REED", (_axis("scent", "White Tea", "Ocean", "Amber"),),
             18.99, 500, "standard", ("藤条香薰", "reed diffuser", "330749")),
    _Listing("fragrance", "Ultrasonic Aroma Diffuser", "Ultrasonic Aroma Diffuser", "DIFF",
             (_axis("finish", "Light Wood", "Dark Wood"), _PLUG), 27.99, 600, "standard", ("香薰机", "aroma diffuser", "850979")),
    _Listing("fragrance", "Ceramic Incense Holder", "Ceramic Incense Holder", "INCENSE", (_axis("colour", "White", "Black"),),
             9.99, 250, "standard", ("陶瓷香插", "ceramic incense holder", "691390")),
    _Listing("textiles", "Stonewashed Linen Duvet Cover Set", "Stonewashed Linen Duvet Cover Set", "LINEN",
             (_axis("size", "Twin", "Queen", "King", step=0.25), _axis("colour", "Oat", "Sage")), 79.99, 2200, "standard",
             ("亚麻被套", "linen bed linen", "630239")),
    _Listing("textiles", "Waffle Cotton Bath Towel", "Waffle Cotton Bath Towel", "TOWEL", (_axis("colour", "White", "Grey", "Sand"),),
             21.99, 600, "standard", ("华夫格浴巾", "cotton terry towel", "630260")),
    _Listing("textiles", "Chunky Knit Throw Blanket", "Chunky Knit Throw Blanket", "KNIT",
             (_axis("colour", "Cream", "Grey"), _axis("size", "100x150 cm", "130x170 cm", step=0.4)), 49.99, 2000, "standard",
             ("粗线针织毯", "knitted blanket", "630140")),
    _Listing("textiles", "Velvet Cushion Cover 45x45", "Velvet Cushion Cover 45x45", "CUSHION",
             (_axis("colour", "Emerald", "Mustard", "Blush", "Navy"),), 11.99, 150, "standard", ("天鹅绒抱枕套", "cushion cover", "630499")),
    _Listing("textiles", "Blackout Curtains, 2 panels", "Blackout Curtains, 2 panels", "CURTAIN",
             (_axis("colour", "Charcoal", "Beige"), _axis("length", "84 in", "96 in", step=0.15)), 39.99, 1800, "standard",
             ("遮光窗帘", "curtains", "630392")),
    _Listing("textiles", "Mulberry Silk Pillowcase", "Mulberry Silk Pillowcase", "SILK", (_axis("colour", "Champagne", "Silver", "Black"),),
             25.99, 120, "standard", ("真丝枕套", "silk pillowcase", "630239")),
    _Listing("kitchen", "Silicone Kitchen Utensil Set, 12 pcs", "Silicone Kitchen Utensil Set, 12 pcs", "UTENSIL",
             (_axis("colour", "Black", "Khaki", "Grey"),), 29.99, 1300, "standard", ("硅胶厨具套装", "silicone kitchen utensils", "392410")),
    _Listing("kitchen", "Bamboo Cutting Board Set", "Bamboo Cutting Board Set", "BOARD", (_axis("set", "2 pcs", "3 pcs", step=0.4),),
             24.99, 1600, "standard", ("竹砧板", "bamboo chopping board", "441911")),
    _Listing("kitchen", "Stoneware Dinnerware Set, 16 pcs", "Stoneware Dinnerware Set, 16 pcs", "DINNER",
             (_axis("colour", "Speckled White", "Slate Blue"),), 89.99, 7000, "bulky", ("炻瓷餐具", "stoneware tableware", "691200")),
    _Listing("kitchen", "Gooseneck Pour-over Kettle", "Gooseneck Pour-over Kettle", "KETTLE",
             (_axis("finish", "Matte Black", "Brushed Steel"),), 34.99, 700, "standard", ("手冲壶", "stainless steel kettle", "732393")),
    _Listing("kitchen", "Airtight Glass Storage Jars, set of 4", "Airtight Glass Storage Jars, set of 4", "JAR",
             (_axis("size", "800 ml", "1.2 L", step=0.3),), 27.99, 2400, "standard", ("玻璃密封罐", "glass storage jars", "701349")),
    _Listing("decor", "Macrame Wall Hanging", "Macrame Wall Hanging", "MACRAME", (_axis("size", "S", "M", "L", step=0.4),),
             19.99, 300, "standard", ("编织挂毯", "cotton wall hanging", "630499")),
    _Listing("decor", "Matte Ceramic Bud Vase Set", "Matte Ceramic Bud Vase Set", "VASE", (_axis("colour", "White", "Sand", "Black"),),
             22.99, 800, "standard", ("陶瓷花瓶", "ceramic vase", "691390")),
    _Listing("decor", "Floating Wall Shelves, 3 pcs", "Floating Wall Shelves, 3 pcs", "SHELF",
             (_axis("finish", "Rustic Brown", "Black", "White"),), 36.99, 3500, "bulky", ("置物架", "wooden wall shelves", "940360")),
    _Listing("decor", "Under-Bed Storage Bags, 2 pcs", "Under-Bed Storage Bags, 2 pcs", "BAGS", (_axis("size", "90 L", "120 L", step=0.2),),
             25.99, 1200, "standard", ("收纳袋", "storage bags", "420292")),
    _Listing("decor", "Lighted Vanity Mirror", "Lighted Vanity Mirror", "MIRROR", (_axis("size", "Small", "Large", step=0.5),),
             49.99, 2500, "bulky", ("LED化妆镜", "LED mirror", "700992"), scarce=True),
]

# A small DHgate wholesaler: phone and desk gadgets shipped from Shenzhen.
DHGATE_CATEGORIES: CategoryTree = [
    ("phone", "手机配件", "Phone accessories", None), ("audio", "音频设备", "Audio", None), ("desk", "桌面数码", "Desk gadgets", None),
]
DHGATE_LISTINGS = [
    _Listing("phone", "MagSafe Wireless Charger 15W", "MagSafe Wireless Charger 15W", "MAG", (_axis("colour", "White", "Black"),),
             12.99, 180, "standard", ("无线充电器", "wireless charger", "850440")),
    _Listing("phone", "Braided USB-C Cable, 3-pack", "Braided USB-C Cable, 3-pack", "CABLE", (_axis("length", "1 m", "2 m", step=0.3),),
             8.99, 150, "standard", ("数据线", "USB cable", "854442")),
    _Listing("phone", "Clear Shockproof Case, iPhone / Galaxy", "Clear Shockproof Case, iPhone / Galaxy", "CASE",
             (_axis("model", "15 Pro", "16 Pro", "S24"),), 5.99, 60, "standard", ("手机壳", "phone case", "392690")),
    _Listing("audio", "TWS Wireless Earbuds", "TWS Wireless Earbuds", "TWS", (_axis("colour", "White", "Black", "Blue"),),
             19.99, 120, "standard", ("无线耳机", "wireless earphones", "851830")),
    _Listing("audio", "Mini Bluetooth Speaker", "Mini Bluetooth Speaker", "SPK", (_axis("colour", "Red", "Grey"),),
             15.99, 350, "standard", ("蓝牙音箱", "bluetooth speaker", "851822")),
    _Listing("desk", "RGB Mechanical Keyboard", "RGB Mechanical Keyboard", "KEY", (_axis("switch", "Red", "Blue", "Brown"),),
             39.99, 900, "bulky", ("机械键盘", "keyboard", "847160")),
    _Listing("desk", "LED Desk Lamp with Clamp", "LED Desk Lamp with Clamp", "LAMP", (_axis("colour", "Black", "White"), _PLUG),
             22.99, 800, "bulky", ("LED台灯", "LED desk lamp", "940520")),
    _Listing("desk", "Aluminium Laptop Stand", "Aluminium Laptop Stand", "STAND", (), 17.99, 700, "standard",
             ("笔记本支架", "laptop stand", "761699")),
]


# --- where buyers live ------------------------------------------------------------------------

# (province as shipping templates name it, cities, weight); Taobao buyers are at UTC+8.
PROVINCES = [
    ("Guangdong", ("Guangzhou", "Shenzhen", "Dongguan", "Foshan"), 12), ("Zhejiang", ("Hangzhou", "Ningbo", "Wenzhou"), 10),
    ("Jiangsu", ("Nanjing", "Suzhou", "Wuxi"), 9), ("Shanghai", ("Shanghai",), 7), ("Beijing", ("Beijing",), 7),
    ("Shandong", ("Jinan", "Qingdao"), 6), ("Fujian", ("Fuzhou", "Xiamen", "Quanzhou"), 5), ("Sichuan", ("Chengdu", "Mianyang"), 5),
    ("Hubei", ("Wuhan", "Yichang"), 4), ("Henan", ("Zhengzhou", "Luoyang"), 4), ("Hunan", ("Changsha",), 3),
    ("Anhui", ("Hefei", "Huangshan"), 3), ("Hebei", ("Shijiazhuang", "Baoding"), 3), ("Shaanxi", ("Xi'an",), 3),
    ("Chongqing", ("Chongqing",), 3), ("Tianjin", ("Tianjin",), 2), ("Liaoning", ("Shenyang", "Dalian"), 2),
    ("Yunnan", ("Kunming", "Dali"), 2), ("Guangxi", ("Nanning", "Guilin"), 2), ("Jiangxi", ("Nanchang",), 2),
    ("Heilongjiang", ("Harbin",), 1), ("Jilin", ("Changchun",), 1), ("Shanxi", ("Taiyuan",), 1), ("Guizhou", ("Guiyang",), 1),
    ("Hainan", ("Haikou", "Sanya"), 1), ("Gansu", ("Lanzhou",), 0.6), ("Inner Mongolia", ("Hohhot",), 0.6),
    ("Ningxia", ("Yinchuan",), 0.4), ("Qinghai", ("Xining",), 0.3), ("Xinjiang", ("Urumqi", "Kashgar"), 1.0),
    ("Tibet", ("Lhasa",), 0.4),
]
REMOTE = ("Xinjiang", "Tibet")
FAR = ("Inner Mongolia", "Gansu", "Qinghai", "Ningxia", "Hainan")
NEAR = ("Zhejiang", "Jiangsu", "Shanghai")  # 江浙沪: the store ships from Hangzhou
STREETS = ("文三路", "解放路", "人民路", "中山路", "建设路", "长江路", "和平街", "学院路", "新华路", "滨江大道")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹"
GIVEN_NAMES = ("芳", "伟", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
               "秀英", "霞", "平", "晨", "欣怡", "子涵", "浩然", "梓萱", "宇轩", "雨桐", "思远", "一诺", "嘉怡")

# country → (weight, names, places (region, city, postcode, UTC offset), street pattern)
_EN = (("James", "Emma", "Olivia", "Liam", "Noah", "Ava", "Sophia", "Mason", "Mia", "Ethan", "Harper", "Lucas", "Chloe", "Jack"),
       ("Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davis", "Clark", "Walker", "Hall", "Young", "King", "Wright", "Green"))
COUNTRIES: dict[str, tuple[float, tuple[tuple[str, ...], tuple[str, ...]], list[tuple[str, str, str, int]], str]] = {
    "US": (40, _EN, [("California", "Los Angeles", "90012", -8), ("California", "San Francisco", "94110", -8),
                     ("Texas", "Austin", "78704", -6), ("Texas", "Houston", "77002", -6), ("New York", "Brooklyn", "11211", -5),
                     ("Florida", "Miami", "33130", -5), ("Washington", "Seattle", "98103", -8), ("Illinois", "Chicago", "60614", -6),
                     ("Colorado", "Denver", "80205", -7), ("Massachusetts", "Boston", "02116", -5), ("Georgia", "Atlanta", "30307", -5)],
           "{n} Maple Ave Apt {a}"),
    "GB": (10, _EN, [("England", "London", "SE1 7PB", 0), ("England", "Manchester", "M1 2AB", 0), ("Scotland", "Edinburgh", "EH1 1YZ", 0)],
           "{n} High Street"),
    "DE": (9, (("Lukas", "Anna", "Leon", "Lena", "Felix", "Marie", "Jonas", "Sophie", "Paul", "Laura"),
               ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann")),
           [("Berlin", "Berlin", "10115", 1), ("Bayern", "München", "80331", 1), ("Hamburg", "Hamburg", "20095", 1),
            ("Nordrhein-Westfalen", "Köln", "50667", 1)], "Hauptstraße {n}"),
    "FR": (8, (("Lucas", "Léa", "Hugo", "Chloé", "Louis", "Manon", "Jules", "Camille", "Arthur", "Inès"),
               ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy")),
           [("Île-de-France", "Paris", "75011", 1), ("Auvergne-Rhône-Alpes", "Lyon", "69002", 1),
            ("Provence-Alpes-Côte d'Azur", "Marseille", "13001", 1)], "{n} rue de la République"),
    "CA": (7, _EN, [("Ontario", "Toronto", "M5V 2T6", -5), ("British Columbia", "Vancouver", "V6B 1A1", -8),
                    ("Quebec", "Montréal", "H2X 1Y4", -5)], "{n} King Street W, Unit {a}"),
    "AU": (6, _EN, [("New South Wales", "Sydney", "2000", 10), ("Victoria", "Melbourne", "3000", 10),
                    ("Western Australia", "Perth", "6000", 8)], "{n} George Street"),
    "BR": (5, (("Gabriel", "Maria", "Lucas", "Ana", "Pedro", "Júlia", "Mateus", "Beatriz"), ("Silva", "Santos", "Oliveira", "Souza", "Lima", "Costa")),
           [("São Paulo", "São Paulo", "01310-100", -3), ("Rio de Janeiro", "Rio de Janeiro", "20040-020", -3)], "Rua Augusta, {n}"),
    "RU": (5, (("Алексей", "Анна", "Дмитрий", "Мария", "Иван", "Екатерина", "Сергей", "Ольга"),
               ("Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Волков")),
           [("Moscow", "Moscow", "101000", 3), ("Saint Petersburg", "Saint Petersburg", "190000", 3)], "ул. Тверская, д. {n}, кв. {a}"),
    "NL": (3, (("Daan", "Emma", "Sem", "Julia", "Lucas", "Tess"), ("de Jong", "Jansen", "de Vries", "Bakker", "Visser")),
           [("Noord-Holland", "Amsterdam", "1012 AB", 1), ("Zuid-Holland", "Rotterdam", "3011 AD", 1)], "Prinsengracht {n}"),
    "ES": (3, (("Hugo", "Lucía", "Martín", "Sofía", "Pablo", "Martina"), ("García", "Fernández", "González", "Rodríguez", "López")),
           [("Madrid", "Madrid", "28013", 1), ("Cataluña", "Barcelona", "08001", 1)], "Calle Mayor {n}"),
}
MEMBER_LEVELS = {"regular": 60, "silver": 25, "gold": 11, "platinum": 4}
LEVEL_APPETITE = {"regular": 1.0, "silver": 1.4, "gold": 2.0, "platinum": 3.0}

# carrier → (tracking pattern: # is a digit, A a letter or digit; transit days)
TAOBAO_CARRIERS = {"顺丰 SF Express": ("SF#############", (1, 2)), "圆通 YTO": ("YT#############", (2, 4)),
                   "中通 ZTO": ("73############", (2, 4)), "韵达 Yunda": ("43###########", (2, 4))}
CHINA_OUTBOUND = {"4PX": ("4PX#############CN", (7, 14)), "Yanwen": ("UG#########YP", (10, 20)), "DHL Express": ("##########", (3, 6))}
US_DOMESTIC = {"UPS": ("1ZAAAAAA03########", (2, 5))}
# The tea house files a local courier of its own, which the Taobao rulebook does not list (RULES.md §15 #6), and
# sends some parcels with it: (name, aliases in Chinese and English, shipping class).
TEA_COURIER = ("闽北同城速递 Minbei Local Courier", ("闽北速递", "Minbei Courier"), "standard")
TEA_CARRIERS = {**TAOBAO_CARRIERS, TEA_COURIER[0]: ("MB############", (1, 3))}
# The DHgate store's carriers cover the three shipping classes its case windows depend on (RULES.md §5.6).
DHGATE_CARRIERS = {"DHL": ("##########", (3, 6)), "YunExpress": ("YT################", (8, 15)),
                   "China Post 平邮": ("RR#########CN", (14, 25))}
# The cross-border shops' allocation rules (订单分配, RULES.md §5.1), first match wins: (name, destinations, or none
# for any, warehouse, logistics channel). Their channels are the carriers above, so each parcel's transit is theirs;
# the labels come from the built-in channel (S10 numbers), and the carrier's scans arrive as tracking events.
HOME_ROUTES = (("US buyers from the Ontario stock by UPS", ("US",), "US-ONT", "UPS"),
               ("Russia and Brazil by Yanwen", ("RU", "BR"), "SZ1", "Yanwen"),
               ("Canada and Australia by DHL Express", ("CA", "AU"), "SZ1", "DHL Express"),
               ("everywhere else by 4PX", (), "SZ1", "4PX"))
GADGET_ROUTES = (("North America by DHL", ("US", "CA"), "SZ2", "DHL"),
                 ("Russia and Brazil by surface post", ("RU", "BR"), "SZ2", "China Post 平邮"),
                 ("everywhere else by YunExpress", (), "SZ2", "YunExpress"))

# Promotions: how often a buyer picks up a coupon on the way to checkout, and types a creator's promo code.
COUPON_CLAIM_SHARE = 0.25
PROMO_CODE_SHARE = 0.04
PROMO_CODES = {"CNY": "TEA2026", "USD": "LUMEN10"}

# After-sales (RULES.md §7): the share of orders whose buyer asks for money back, by rulebook, before and
# after shipment, and the share of Taobao orders shipped late whose buyer takes the instant refund (§7.3).
PRE_SHIPMENT_CASE_SHARE = {"dhgate": 0.07, "taobao": 0.015, "default": 0.01}
AFTER_SHIPMENT_CASE_SHARE = {"dhgate": 0.2, "taobao": 0.035, "default": 0.03}
LATE_REFUND_SHARE = 0.35
# reason category → (agreement, weight): what a buyer asks for
WANTED = {"not_as_described": (("refund_only", 35), ("return_refund", 30), ("reship", 20), ("return_reship", 15)),
          "not_received": (("refund_only", 70), ("reship", 30)),
          "no_reason_return": (("return_refund", 100),)}
# What buyers and sellers write, by reason category; Taobao cases in Chinese, the others in English.
CASE_WORDS = {
    "zh": {"not_as_described": ("收到的和图片不一样，颜色差很多。", "包装破了，茶叶洒了一半。", "口感和描述的不符。"),
           "not_received": ("物流好几天没更新了，还没收到。", "显示签收了但我没收到。"),
           "no_reason_return": ("买多了，七天无理由退货。",), "order": ("不想要了，麻烦退款。", "拍错规格了。"),
           "seller": ("亲，我们发货前都检查过的，麻烦再看看。", "可以补偿部分款项，您看可以吗？")},
    "en": {"not_as_described": ("The colour is not what the photos show.", "It arrived damaged.",
                                "It stopped working after two days."),
           "not_received": ("Tracking has not moved for a week.", "Marked delivered but nothing arrived."),
           "no_reason_return": ("I ordered too many; I would like to return them.",),
           "order": ("I no longer need this, please refund.", "I picked the wrong option."),
           "seller": ("We checked every item before shipping; could you send a photo?",
                      "We can refund part of the price instead.")},
}
