"""The reviewed, hand-made part of the risk reference: which category codes hold each good on
the DOL list, and which codes stand for each high-risk sector (with its effective dates).

Read by `build_risk_reference.py`, which adds each code's title from the shipped code lists
(`unspsc_codes.csv`, `cpv_codes.csv`) and refuses to run if a code does not exist.

Codes are written as the significant prefix a line's code must start with: UNSPSC 2 digits
(segment), 4 (family), 6 (class) or 8 (commodity); CPV 2 (division), 3 (group), 4 (class),
5 (category) or more (sub-category), without the trailing zeros and the check digit.
A DOL good maps to the narrowest codes that hold it: a UNSPSC class or commodity, a CPV group
or narrower. A UNSPSC family carries its reason (`why`); a segment or CPV division is refused.
"""

# good -> [(scheme, code, confidence, note, why)]
H, M, L = "high", "medium", "low"


def U(code, conf=H, note="", why=""):
    return ("UNSPSC", code, conf, note, why)


def C(code, conf=H, note="", why=""):
    return ("CPV", code, conf, note, why)


NO_V7 = (
    "UNSPSC v7 has no commodity for this crop; its fresh, frozen and shelf-stable "
    "commodities are the narrowest codes that hold it"
)
FRUIT = [U("50101634", M, NO_V7), U("50101635", M, NO_V7), U("50101636", M, NO_V7)]
VEG = [U("50101538", M, NO_V7), U("50101539", M, NO_V7), U("50101540", M, NO_V7)]
NUTS = [U("501017", M, "nuts and seeds; v7 has no commodity per nut")]
GARMENT_FAMILY = "family 5310 holds only clothing: every class in it is a garment"
FOOTWEAR_FAMILY = "family 5311 holds only footwear: every class in it is a shoe, boot or sandal"

SPEC = {
    "Açaí Berries": FRUIT + [C("0322231", H, "berry fruit")],
    "Alcoholic Beverages": [U("502022"), C("1591"), C("1593"), C("1596")],
    "Amber": [U("541216", M, "semi-precious stones"), C("145212", M, "semi-precious stones")],
    "Artificial Flowers": [
        U("56101528", L, "artificial plants; flowers not separate in v7"),
        C("3929320"),
    ],
    "Baked Goods": [U("501819"), U("501820"), C("1581")],
    "Bamboo": [U("11121608"), C("03419", L, "timber; no bamboo code in CPV")],
    "Bananas": FRUIT + [C("03222111")],
    "Beans": VEG
    + [U("50101543"), U("50221001", M, "pulse grains"), C("0322121"), C("0321222", M, "pulses")],
    "Beans (green beans)": VEG + [C("0322121")],
    "Beans (green, soy, yellow)": VEG + [U("50101543"), C("0322121"), C("031111", H, "soya beans")],
    "Beef": [U("501115", M, "meat and poultry: v7 has no beef commodity"), C("151111")],
    "Bidis (hand-rolled cigarettes)": [U("50211502"), C("1599130")],
    "Blueberries": FRUIT + [C("0322231", H, "berry fruit")],
    "Bovines": [
        U("10101516"),
        C("0332110"),
        U("501115", M, "meat from the animals"),
        C("15111", M, "bovine meat"),
    ],
    "Brassware": [
        U("521516", M, "domestic kitchen tools and utensils"),
        U("521518", M, "domestic cookware"),
        C("3922110", M, "kitchenware"),
    ],
    "Brazil Nuts/Chestnuts": NUTS + [C("153323", M, "processed nuts")],
    "Bricks": [U("301316"), C("441111")],
    "Bricks (clay)": [U("30131602", H, "ceramic (fired clay) bricks"), C("441111")],
    "Broccoli": VEG + [C("0322143")],
    "Cabbages": VEG + [C("0322141")],
    "Carpets": [
        U("30161701"),
        U("30161708"),
        U("30161709"),
        U("521015", M, "rugs and mats"),
        C("3953"),
    ],
    "Carrots": VEG + [C("03221112")],
    "Cashews": NUTS + [C("153323", M, "processed nuts")],
    "Cattle": [
        U("10101516"),
        C("03321"),
        U("501115", M, "beef from the animals"),
        C("15111", M, "bovine meat"),
    ],
    "Cement": [U("301116"), C("441112")],
    "Ceramics": [
        U("30131704", M, "ceramic tiles"),
        U("521520", M, "ceramic tableware among dishes"),
        C("441113"),
    ],
    "Cereal Grains": [U("50221101"), C("03211")],
    "Charcoal": [U("15101605"), C("243272")],
    "Chile Peppers": VEG + [C("0322123")],
    "Christmas Decorations": [
        C("3929891", L, "Christmas trees only; no decorations code in UNSPSC v7 or CPV")
    ],
    "Citrus Fruits": FRUIT + [C("032222")],
    "Cloves": [
        U("50171550", M, "spices or extracts"),
        C("03132", M, "unprocessed spices"),
        C("158722", M, "spices"),
    ],
    "Coal": [U("15101601"), C("09111")],
    "Cobalt ore (heterogenite)": [
        U("11101615"),
        C("14733", M, "cobalt (no cobalt-ore code in CPV)"),
    ],
    "Coca (stimulant plant)": [U("101618", L, "plant material; not normally procured")],
    "Cocoa": [
        U("50161511", H, "chocolate or chocolate substitute (v7 has no cocoa-bean commodity)"),
        C("031314"),
        C("15841"),
        C("15842", M, "chocolate confectionery"),
    ],
    "Coconuts": FRUIT + [C("0322212")],
    "Coffee": [U("50201706"), U("50201709"), C("031311"), C("15861")],
    "Copper": [
        U("11101715"),
        U("11101604"),
        C("14715"),
        C("146121"),
        U("26121517", M, "copper wire"),
        U("26121634", M, "copper cable"),
    ],
    "Corn": [U("50221101", M, "cereal grains"), C("032112")],
    "Cotton": [
        U("11121802"),
        U("11151507"),
        C("0311511"),
        U("11151601", M, "cotton thread"),
        U("11151702", M, "cotton yarn"),
        C("19433", M, "cotton yarn"),
    ],
    "Cottonseed (hybrid)": [U("101522", H, "fibrous crop seeds and seedlings"), C("031114")],
    "Crude Palm Kernel Oil": [
        U("50151513", M, "edible vegetable or plant oils"),
        C("15411", M, "animal or vegetable oils"),
    ],
    "Crude Palm Oil": [
        U("50151513", M, "edible vegetable or plant oils"),
        C("15411", M, "animal or vegetable oils"),
    ],
    "Cucumbers": VEG + [C("0322127")],
    "Cumin": [
        U("50171550", M, "spices or extracts"),
        C("03132", M, "unprocessed spices"),
        C("158722", M, "spices"),
    ],
    "Dairy Products": [U("501317"), U("501318"), C("155")],
    "Diamonds": [U("54121501"), U("11101519"), C("185111"), C("145222")],
    "Dried Fish": [U("50121538", M, "shelf stable fish"), C("15231")],
    "Eggplants": VEG + [C("032212", M, "fruit vegetables")],
    "Electronics": [
        U("432115", M, "computers"),
        U("431915", M, "personal communication devices"),
        U("521615", M, "audio and visual equipment"),
        C("30213", M, "personal computers"),
        C("3225", M, "mobile telephones"),
    ],
    "Embellished Textiles": [U("111621", M, "specialty fabrics"), C("1924", M, "special fabrics")],
    "Emeralds": [U("54121502"), C("185113")],
    "Fashion Accessories": [
        U("531025", M, "clothing accessories"),
        U("531216", M, "purses and handbags and bags"),
        C("1842", M, "clothing accessories"),
    ],
    "Fireworks": [U("12131601"), C("246132")],
    "Fish": [
        U("501215"),
        C("03311"),
        C("1521"),
        C("1522"),
        C("1523"),
        C("1524"),
        U("101017", L, "live fish"),
    ],
    "Flowers": [U("101617"), U("101616", M, "floral plants"), C("031212")],
    "Fluorspar (mineral)": [U("11101524"), C("14523100", L, "minerals (no fluorspar code in CPV)")],
    "Footwear": [U("5311", H, "footwear", FOOTWEAR_FAMILY), C("188")],
    "Footwear (sandals)": [
        U("531118"),
        C("1881210", M, "sandals with uppers of rubber or plastics"),
    ],
    "Fruit (Pome and Stone)": FRUIT + [C("0322232"), C("0322233")],
    "Furniture": [U("561015"), U("561016"), U("561017"), C("391")],
    "Furniture (steel)": [
        U("561015", M, "furniture"),
        U("561017", M, "office furniture"),
        C("391", M, "furniture"),
    ],
    "Garlic": VEG + [C("0322111", M, "root vegetables (no garlic code in CPV)")],
    "Garments": [
        U("5310", H, "clothing", GARMENT_FAMILY),
        C("182"),
        C("183"),
        C("1841"),
        C("1811", M, "occupational clothing"),
        U("421315", M, "patient clothing"),
        U("421316", M, "medical staff clothing"),
    ],
    "Gems": [U("541215"), U("541216"), C("14521"), C("18511")],
    "Glass": [
        U("301717", M, "glass products"),
        C("1482"),
        U("521521", L, "drink ware"),
        C("39299", L, "glassware"),
    ],
    "Glass Bangles": [U("541016", H, "imitation jewelry"), C("3929350")],
    "Gloves": [
        U("46181504", M, "protective gloves"),
        U("53102504", M, "gloves or mittens"),
        C("18424", M, "gloves"),
        C("18141", M, "work gloves"),
    ],
    "Goats": [U("10101508"), C("033222"), C("15117", M, "goat meat")],
    "Gold": [
        U("11101801"),
        U("11101616"),
        C("145232"),
        C("146124", M, "precious-metal ores"),
        U("541015", M, "fine jewelry"),
        C("18513", M, "articles of jewellery"),
    ],
    "Granite": [U("11111604"), C("449121"), C("1421232")],
    "Granite (crushed)": [U("11111604"), C("1421232")],
    "Grapes": FRUIT + [C("0322234")],
    "Gravel (crushed stones)": [U("11111611"), C("14212")],
    "Gypsum (mineral)": [U("11111601"), C("449211")],
    "Hair Products": [U("531316", L, "bath and body; no wig code in v7"), C("3371163", H, "wigs")],
    "Hazelnuts": NUTS + [C("153323", M, "processed nuts")],
    "Hogs": [U("10101511"), C("03323"), C("15113", M, "pork")],
    "Incense (agarbatti)": [U("531316", L, "bath and body; no incense code in v7")],
    "Iron": [U("11101713"), U("11101601"), C("14711"), C("14611")],
    "Jade": [U("54121602"), C("145212", M, "semi-precious stones")],
    "Jute (textiles)": [
        U("11121804"),
        U("11151710"),
        U("11162003"),
        C("0311512"),
        C("19436", M, "vegetable textile-fibre yarn"),
    ],
    "Khat (stimulant plant)": [U("101618", L, "plant material; not normally procured")],
    "Khat/Miraa (stimulant plant)": [U("101618", L, "plant material; not normally procured")],
    "Leather": [U("111623"), C("191")],
    "Leather Goods/Accessories": [U("531215"), U("531216"), U("531217"), C("1892"), C("18923")],
    "Lettuce": VEG + [C("0322131")],
    "Lithium-Ion Batteries": [
        U("26111711"),
        U("26111701", M, "rechargeable batteries"),
        C("31434"),
    ],
    "Lobsters": [U("501216"), C("03312"), C("15251"), C("15252")],
    "Locks": [U("461715"), C("4452")],
    "Manioc/Cassava": VEG + [C("032211", M, "root and tuber vegetables")],
    "Matches": [U("12131706"), C("3922530")],
    "Meat": [U("501115"), U("501120"), C("1511")],
    "Melons": FRUIT + [C("15332180", M, "melons (CPV has them under processed fruit only)")],
    "Mica": [U("11101501"), C("14523100", L, "minerals (no mica code in CPV)")],
    "Nails": [U("311620"), C("441922")],
    "Nile Perch (fish)": [U("501215"), C("03311")],
    "Oleochemicals": [U("123521", L, "organic derivatives; no oleochemicals class in v7")],
    "Olives": [U("50171903"), C("032224")],
    "Onions": VEG + [C("03221113")],
    "Palm Fruit": FRUIT
    + [U("50151513", M, "palm oil made from the fruit"), C("15411", M, "animal or vegetable oils")],
    "Palm Thatch": [U("111217", M, "forestry byproducts")],
    "Peanuts": NUTS + [C("031112")],
    "Pepper": [U("50171550", M, "spices or extracts"), C("158721")],
    "Peppers": VEG + [C("0322123")],
    "Photovoltaic Ingots": [U("12141911", M, "silicon"), U("32131003", M, "semiconductor wafers")],
    "Photovoltaic Wafers": [U("32131003"), U("32111701", M, "photovoltaic cells")],
    "Pineapples": FRUIT + [C("03222112")],
    "Polysilicon": [U("12141911", H, "silicon")],
    "Poppies": [U("101616", L, "floral plants; not normally procured")],
    "Pornography": [U("551015", L, "printed publications; not normally procured")],
    "Potatoes": VEG + [C("032121")],
    "Poultry": [
        U("101016", H, "live birds"),
        C("03324"),
        U("501115", M, "meat and poultry"),
        C("15112"),
    ],
    "Pulses (legumes)": [U("502210"), C("032122")],
    "Pyrotechnics": [U("121316"), C("246132")],
    "Refined Palm Kernel Oil": [
        U("50151513", M, "edible vegetable or plant oils"),
        C("15421", M, "refined oils"),
    ],
    "Refined Palm Oil": [
        U("50151513", M, "edible vegetable or plant oils"),
        C("15421", M, "refined oils"),
    ],
    "Rice": [U("50221101", M, "cereal grains"), C("032113"), C("15614")],
    "Rubber": [U("131015"), C("03116")],
    "Rubber Gloves": [
        U("421322"),
        U("46181504", M, "protective gloves"),
        C("3314142"),
        C("184243", M, "disposable gloves"),
    ],
    "Rubies": [U("54121503"), C("185112")],
    "Salt": [U("50171551"), C("144"), C("158724")],
    "Sand": [U("111117"), C("14211")],
    "Sandstone": [U("11111607"), C("449122")],
    "Sapphires": [U("54121504"), C("145211", M, "precious stones")],
    "Sesame": [U("10151606"), C("031115")],
    "Sheep": [U("10101507"), C("033221"), C("15115", M, "lamb and mutton")],
    "Shellfish": [U("501216"), U("501217"), C("03312"), C("1525")],
    "Shrimp": [U("501216"), U("10101801"), C("03312"), C("15251"), C("15252")],
    "Silk Cocoons": [U("11151509", M, "silk fibers"), U("10101904", M, "silkworms")],
    "Silk Fabric": [U("111615")],
    "Silk Thread": [U("11151602"), U("11151705"), C("19431")],
    "Silver": [
        U("11101802"),
        U("11101607"),
        C("145233"),
        C("146124", M, "precious-metal ores"),
        U("541015", M, "fine jewelry"),
        C("18513", M, "articles of jewellery"),
    ],
    "Sisal": [U("11121805"), C("031151", M, "raw vegetable materials used in textile production")],
    "Soap": [U("53131608"), C("337119")],
    "Soccer Balls": [U("49161505"), C("374513", M, "footballs")],
    "Solar Cells": [U("32111701"), C("31712331")],
    "Solar Modules": [
        U("26111607", M, "solar generators"),
        C("0933120"),
        C("093310", M, "solar panels"),
    ],
    "Stones": [U("111116"), C("142123"), C("4491", M, "stone for construction")],
    "Stones (limestone)": [U("11111608"), C("449213")],
    "Stones (pumice)": [U("11111610"), C("145221")],
    "Strawberries": FRUIT + [C("03222313")],
    "Sugar Beets": [C("031131"), U("50161509", M, "natural sugars"), C("1583", M, "sugar")],
    "Sugarcane": [C("031132"), U("50161509", M, "natural sugars"), C("1583", M, "sugar")],
    "Sunflowers": [C("031113"), U("50151513", M, "sunflower oil among vegetable oils")],
    "Surgical Instruments": [
        U(
            "4229",
            H,
            "surgical products",
            "family 4229 is surgical instruments and related products; no single class "
            "holds the instruments",
        ),
        C("33169"),
    ],
    "Sweet Potatoes": VEG + [C("032211", M, "root and tuber vegetables")],
    "Tantalum ore (coltan)": [
        U("11101617"),
        C("14754", M, "tantalum (no tantalum-ore code in CPV)"),
    ],
    "Tanzanite (gems)": [U("541216"), C("145212")],
    "Tea": [U("50201710"), U("50201711"), U("50201713"), C("15863"), C("158641")],
    "Teak": [U("11121610", H, "hardwoods"), C("034181"), C("03412", M, "tropical wood")],
    "Textiles": [
        U("111615"),
        U("111616"),
        U("111617"),
        U("111618"),
        U("111620"),
        C("192"),
        U("521215", M, "bedclothes"),
        U("521216", M, "table and kitchen linen"),
        U("521217", M, "towels"),
        C("3951", M, "textile household articles"),
    ],
    "Textiles (hand-woven)": [
        U("111617"),
        U("111620"),
        C("192"),
        U("521215", M, "bedclothes"),
        C("3951", M, "textile household articles"),
    ],
    "Thread/Yarn": [U("111516"), U("111517"), C("194")],
    "Tilapia (fish)": [U("501215"), U("10101703"), C("03311")],
    "Timber": [
        U("111216"),
        C("03419"),
        C("03418"),
        U("301036", M, "structural products (sawn timber)"),
    ],
    "Tin": [U("11101716"), C("14714")],
    "Tin ore (cassiterite)": [U("11101610"), C("146127")],
    "Tobacco": [U("502115"), C("03112"), C("15992")],
    "Tomato Products": [
        U("50101540", M, "shelf stable vegetables (canned tomatoes); v7 has no tomato commodity"),
        U("501718", M, "sauces and spreads and condiments (ketchup, paste)"),
        C("1533142"),
        C("15331134"),
        C("153221"),
        C("1587123"),
    ],
    "Tomatoes": VEG + [C("0322124")],
    "Toys": [U("601410"), C("3752")],
    "Trona (mineral)": [
        U("111015", L, "minerals; no trona commodity in v7"),
        C("2431331", L, "sodium carbonate"),
    ],
    "Tungsten ore (wolframite)": [
        U("11101613"),
        C("14755", M, "tungsten (no tungsten-ore code in CPV)"),
    ],
    "Vanilla": [U("50171550", M, "spices or extracts"), C("03132", M, "unprocessed spices")],
    "Wheat": [U("50221101", M, "cereal grains"), C("032111")],
    "Yerba Mate (stimulant plant)": [
        U("50201710", M, "leaf tea"),
        C("15864", H, "preparations of tea or maté"),
    ],
    "Zinc": [U("11101719"), U("11101609"), C("14713"), C("146126")],
}
# Goods added by the 2024 edition's documented changes (dol_goods_changes_2024.csv).
SPEC.update(
    {
        "Jujubes": FRUIT
        + [C("03222114", M, "dates (red dates are jujubes; no jujube code in CPV)")],
        "Cotton Textiles": [
            U("111617"),
            C("19212"),
            U("11151702", M, "cotton yarn"),
            C("19433", M, "cotton yarn"),
        ],
    }
)

# High-risk sectors: (scheme, code, risk_group, sector, valid_from, valid_to, why)
# valid_from / valid_to: ISO dates; a line counts when valid_from <= award date < valid_to
# (empty: open). UK PPN 02/23 was replaced by PPN 009 (published 17 Feb 2025) for
# procurements started from 24 Feb 2025; the service list is the same.
PPN_SWITCH = "2025-02-24"
SERVICES = [
    ("UNSPSC", "7611", "cleaning", "family 7611 is cleaning and janitorial services"),
    ("UNSPSC", "7610", "cleaning", "family 7610 is decontamination services"),
    ("UNSPSC", "9212", "security", "family 9212 is security and personal safety services"),
    ("UNSPSC", "9010", "catering", "family 9010 is restaurants and catering"),
    ("UNSPSC", "8515", "catering", "family 8515 is food and nutrition services"),
    ("UNSPSC", "9011", "hospitality", "family 9011 is hotels and lodging"),
    (
        "UNSPSC",
        "78",
        "logistics",
        "segment 78 is transport, storage and mail services, all of it named",
    ),
    (
        "UNSPSC",
        "72",
        "construction",
        "segment 72 is building and construction services, all of it named",
    ),
    ("UNSPSC", "9111", "care", "family 9111 is domestic and personal assistance"),
    ("UNSPSC", "9314", "care", "family 9314 is community and social services"),
    ("UNSPSC", "8510", "care", "family 8510 is comprehensive health services"),
    ("CPV", "9091", "cleaning", ""),
    ("CPV", "7971", "security", ""),
    ("CPV", "5552", "catering", ""),
    ("CPV", "5551", "catering", ""),
    ("CPV", "55", "hospitality", "division 55 is hotel, restaurant and retail trade services"),
    ("CPV", "60", "logistics", "division 60 is transport services"),
    ("CPV", "63", "logistics", "division 63 is supporting and auxiliary transport services"),
    ("CPV", "45", "construction", "division 45 is construction work"),
    ("CPV", "85", "care", "division 85 is health and social work services"),
]
UFLPA_2022, UFLPA_2024, UFLPA_2025 = "2022-06-01", "2024-07-09", "2025-08-19"
UFLPA = [
    # 2022-06: initial UFLPA strategy (the day is not published: the 1st is used)
    ("UNSPSC", "5310", "apparel", UFLPA_2022, GARMENT_FAMILY),
    ("CPV", "182", "apparel", UFLPA_2022, ""),
    ("CPV", "183", "apparel", UFLPA_2022, ""),
    ("CPV", "1841", "apparel", UFLPA_2022, ""),
    ("CPV", "1811", "apparel", UFLPA_2022, ""),
    ("UNSPSC", "11121802", "cotton and cotton products", UFLPA_2022, ""),
    ("UNSPSC", "11151507", "cotton and cotton products", UFLPA_2022, ""),
    ("UNSPSC", "11151601", "cotton and cotton products", UFLPA_2022, ""),
    ("UNSPSC", "11151702", "cotton and cotton products", UFLPA_2022, ""),
    ("UNSPSC", "111617", "cotton and cotton products", UFLPA_2022, ""),
    ("CPV", "0311511", "cotton and cotton products", UFLPA_2022, ""),
    ("CPV", "19433", "cotton and cotton products", UFLPA_2022, ""),
    ("CPV", "19212", "cotton and cotton products", UFLPA_2022, ""),
    ("CPV", "0322124", "tomatoes and downstream products", UFLPA_2022, ""),
    ("CPV", "1533142", "tomatoes and downstream products", UFLPA_2022, ""),
    ("CPV", "15331134", "tomatoes and downstream products", UFLPA_2022, ""),
    ("CPV", "153221", "tomatoes and downstream products", UFLPA_2022, ""),
    ("CPV", "1587123", "tomatoes and downstream products", UFLPA_2022, ""),
    ("UNSPSC", "12141911", "silica-based products (polysilicon)", UFLPA_2022, ""),
    ("UNSPSC", "11111701", "silica-based products (polysilicon)", UFLPA_2022, ""),
    ("UNSPSC", "32111701", "silica-based products (polysilicon)", UFLPA_2022, ""),
    ("UNSPSC", "32131003", "silica-based products (polysilicon)", UFLPA_2022, ""),
    ("UNSPSC", "26111607", "silica-based products (polysilicon)", UFLPA_2022, ""),
    ("CPV", "31712331", "silica-based products (polysilicon)", UFLPA_2022, ""),
    ("CPV", "0933120", "silica-based products (polysilicon)", UFLPA_2022, ""),
    ("CPV", "2431146", "silica-based products (polysilicon)", UFLPA_2022, ""),
    # 2024-07-09: 2024 strategy update
    ("UNSPSC", "11101705", "aluminium", UFLPA_2024, ""),
    ("UNSPSC", "11101605", "aluminium", UFLPA_2024, ""),
    ("UNSPSC", "111720", "aluminium", UFLPA_2024, ""),
    ("UNSPSC", "12141702", "aluminium", UFLPA_2024, ""),
    ("UNSPSC", "30103401", "aluminium", UFLPA_2024, ""),
    ("CPV", "14721", "aluminium", UFLPA_2024, ""),
    ("CPV", "146123", "aluminium", UFLPA_2024, ""),
    ("UNSPSC", "13102030", "PVC", UFLPA_2024, ""),
    ("UNSPSC", "13111025", "PVC", UFLPA_2024, ""),
    ("UNSPSC", "13111034", "PVC", UFLPA_2024, ""),
    ("UNSPSC", "13111056", "PVC", UFLPA_2024, ""),
    ("CPV", "2454", "PVC", UFLPA_2024, ""),
    (
        "UNSPSC",
        "5012",
        "seafood",
        UFLPA_2024,
        "family 5012 is seafood: fish, shellfish, aquatic invertebrates and plants",
    ),
    ("CPV", "0331", "seafood", UFLPA_2024, ""),
    ("CPV", "152", "seafood", UFLPA_2024, ""),
    # 2025-08-19: 2025 strategy update
    ("UNSPSC", "11101704", "steel", UFLPA_2025, ""),
    ("UNSPSC", "111715", "steel", UFLPA_2025, ""),
    ("UNSPSC", "111716", "steel", UFLPA_2025, ""),
    ("UNSPSC", "111717", "steel", UFLPA_2025, ""),
    ("UNSPSC", "30103405", "steel", UFLPA_2025, ""),
    ("CPV", "14622", "steel", UFLPA_2025, ""),
    ("UNSPSC", "11101715", "copper", UFLPA_2025, ""),
    ("UNSPSC", "11101604", "copper", UFLPA_2025, ""),
    ("UNSPSC", "12141711", "copper", UFLPA_2025, ""),
    ("UNSPSC", "30103408", "copper", UFLPA_2025, ""),
    ("CPV", "14715", "copper", UFLPA_2025, ""),
    ("CPV", "146121", "copper", UFLPA_2025, ""),
    ("UNSPSC", "12141803", "lithium", UFLPA_2025, ""),
    ("CPV", "14784", "lithium", UFLPA_2025, ""),
    ("CPV", "2431152", "caustic soda", UFLPA_2025, ""),
    ("CPV", "03222114", "red dates (jujubes)", UFLPA_2025, ""),
]
