"""Word material for the synthetic demo corpus (see ``schemes.demo``).

Written for the generator alone and deliberately independent of the detector
lexicons in ``config/lexicons/``: claims use inflected forms, synonyms and
paraphrases (some of which the lexicons do not cover), so recovery measures
the detector instead of echoing it. Nothing here is read by the detector.
"""

from __future__ import annotations


def _split(text: str) -> list[str]:
    return [w.strip() for w in text.split("|") if w.strip()]


# Twelve ordinary news topics: (Russian nouns, English nouns).
TOPICS = {
    "economy": (
        "инфляция|бюджет|рубль|экономика|инвестиции|налоги|банк|кредит|биржа|предприятие|"
        "производство|экспорт|зарплата|ВВП|ипотека|валюта",
        "inflation|budget|ruble|economy|investment|taxes|bank|loan|stock exchange|enterprise|"
        "output|exports|wages|GDP|mortgage|currency",
    ),
    "sport": (
        "футбол|хоккей|чемпионат|сборная|матч|тренер|стадион|турнир|болельщики|гол|"
        "олимпиада|спортсмен|медаль|лига|вратарь|финал",
        "football|hockey|championship|national team|match|coach|stadium|tournament|fans|goal|"
        "Olympics|athlete|medal|league|goalkeeper|final",
    ),
    "weather": (
        "погода|мороз|снегопад|дождь|температура|синоптики|циклон|жара|ветер|наводнение|"
        "гололёд|прогноз|осадки|ураган|оттепель|туман",
        "weather|frost|snowfall|rain|temperature|forecasters|cyclone|heatwave|wind|flood|"
        "black ice|forecast|precipitation|hurricane|thaw|fog",
    ),
    "culture": (
        "театр|премьера|фестиваль|музей|выставка|спектакль|режиссёр|концерт|кино|актёр|"
        "литература|художник|оркестр|галерея|балет|роман",
        "theatre|premiere|festival|museum|exhibition|performance|director|concert|cinema|actor|"
        "literature|painter|orchestra|gallery|ballet|novel",
    ),
    "health": (
        "больница|врач|пациент|вакцина|грипп|лечение|поликлиника|медицина|эпидемия|лекарство|"
        "диагноз|операция|здравоохранение|профилактика|хирург|аптека",
        "hospital|doctor|patient|vaccine|influenza|treatment|clinic|medicine|epidemic|drug|"
        "diagnosis|surgery|healthcare|prevention|surgeon|pharmacy",
    ),
    "technology": (
        "интернет|компьютер|телефон|программа|связь|спутник|сеть|технология|сайт|процессор|"
        "разработчик|данные|робот|телевидение|приложение|смартфон",
        "internet|computer|telephone|software|telecoms|satellite|network|technology|website|"
        "processor|developer|data|robot|television|app|smartphone",
    ),
    "agriculture": (
        "урожай|зерно|фермер|пшеница|посевная|скот|удобрения|молоко|трактор|элеватор|"
        "агрохолдинг|теплица|картофель|поле|комбайн|подсолнечник",
        "harvest|grain|farmer|wheat|sowing|livestock|fertiliser|milk|tractor|grain elevator|"
        "agribusiness|greenhouse|potatoes|field|combine harvester|sunflower",
    ),
    "education": (
        "школа|университет|студент|экзамен|учитель|образование|выпускник|урок|стипендия|"
        "диплом|абитуриент|кафедра|учебник|лицей|ректор|аудитория",
        "school|university|student|exam|teacher|education|graduate|lesson|scholarship|"
        "diploma|applicant|faculty|textbook|lyceum|rector|lecture hall",
    ),
    "crime": (
        "полиция|суд|преступление|кража|приговор|следствие|задержание|мошенничество|прокурор|"
        "адвокат|колония|розыск|хулиганство|грабёж|улика|свидетель",
        "police|court|crime|theft|sentence|investigation|arrest|fraud|prosecutor|"
        "lawyer|prison colony|manhunt|hooliganism|robbery|evidence|witness",
    ),
    "transport": (
        "метро|аэропорт|авиарейс|поезд|трасса|пробка|автобус|железная дорога|водитель|"
        "пассажир|вокзал|трамвай|мост|такси|электричка|автомагистраль",
        "metro|airport|flight|train|highway|traffic jam|bus|railway|driver|"
        "passenger|station|tram|bridge|taxi|commuter train|motorway",
    ),
    "science": (
        "учёные|исследование|академия|лаборатория|открытие|эксперимент|физика|биология|космос|"
        "телескоп|генетика|археология|химия|экспедиция|коллайдер|раскопки",
        "scientists|research|academy|laboratory|discovery|experiment|physics|biology|space|"
        "telescope|genetics|archaeology|chemistry|expedition|collider|excavation",
    ),
    "energy": (
        "нефть|газ|трубопровод|электростанция|энергетика|месторождение|бензин|уголь|тариф|"
        "электричество|скважина|нефтепровод|АЭС|топливо|генерация|котельная",
        "oil|gas|pipeline|power plant|energy sector|oil field|petrol|coal|tariff|"
        "electricity|well|oil pipeline|nuclear plant|fuel|generation|boiler house",
    ),
}
TOPICS = {name: (_split(ru), _split(en)) for name, (ru, en) in TOPICS.items()}

EVENT_VOCAB = {
    "politics": (
        "выборы|парламент|правительство|президент|оппозиция|партия|депутат|министр|указ|закон|"
        "кандидат|голосование|дипломат|переговоры",
        "elections|parliament|government|president|opposition|party|deputy|minister|decree|law|"
        "candidate|vote|diplomat|talks",
    ),
    "color_revolution": (
        "протест|митинг|площадь|революция|демонстранты|палаточный городок|избирательная комиссия|"
        "фальсификации|баррикады|лидер оппозиции|перевыборы|толпа|отставка|шествие",
        "protest|rally|square|revolution|demonstrators|tent camp|election commission|"
        "vote rigging|barricades|opposition leader|re-run|crowd|resignation|march",
    ),
    "nato": (
        "альянс|саммит|расширение|членство|генеральный секретарь|безопасность|ПРО|военная база|"
        "кандидат в члены|коллективная оборона|учения|оборона|соглашение|штаб-квартира",
        "alliance|summit|enlargement|membership|secretary general|security|missile defence|"
        "military base|candidate member|collective defence|exercises|defence|agreement|headquarters",
    ),
}
EVENT_VOCAB = {name: (_split(ru), _split(en)) for name, (ru, en) in EVENT_VOCAB.items()}

# Place names per ISO code used in the event catalogue: (Russian, English).
COUNTRY_VOCAB = {
    "GEO": ("Грузия|Тбилиси|Шеварднадзе|Саакашвили", "Georgia|Tbilisi|Shevardnadze|Saakashvili"),
    "UKR": ("Украина|Киев|Ющенко|Янукович|Майдан", "Ukraine|Kiev|Yushchenko|Yanukovych|Maidan"),
    "KGZ": ("Киргизия|Бишкек|Акаев|Бакиев|Ош", "Kyrgyzstan|Bishkek|Akayev|Bakiyev|Osh"),
    "ESP": ("Мадрид|Испания", "Madrid|Spain"),
    "USA": ("Вашингтон|Америка", "Washington|America"),
    "CZE": ("Прага|Чехия", "Prague|Czech Republic"),
    "TUR": ("Стамбул|Турция", "Istanbul|Turkey"),
    "ROU": ("Бухарест|Румыния", "Bucharest|Romania"),
    "POL": ("Польша|Варшава|Венгрия|Чехия", "Poland|Warsaw|Hungary|Czech Republic"),
    "BAL": (
        "Эстония|Латвия|Литва|Болгария|Словакия|Словения",
        "Estonia|Latvia|Lithuania|Bulgaria|Slovakia|Slovenia",
    ),
    "BLR": ("Белоруссия|Минск|Лукашенко|Милинкевич", "Belarus|Minsk|Lukashenko|Milinkevich"),
    "RUS": ("Россия|Москва|Кремль|Дума", "Russia|Moscow|Kremlin|Duma"),
    "SRB": ("Сербия|Белград|Косово|Милошевич", "Serbia|Belgrade|Kosovo|Milosevic"),
    "UZB": ("Узбекистан|Андижан|Ташкент|Каримов", "Uzbekistan|Andijan|Tashkent|Karimov"),
    "FRA": ("Страсбург|Франция|Кель|Германия", "Strasbourg|France|Kehl|Germany"),
    "MDA": ("Молдавия|Кишинёв", "Moldova|Chisinau"),
    "ARM": ("Армения|Ереван", "Armenia|Yerevan"),
    "AZE": ("Азербайджан|Баку", "Azerbaijan|Baku"),
}
COUNTRY_VOCAB = {code: (_split(ru), _split(en)) for code, (ru, en) in COUNTRY_VOCAB.items()}

CITIES_RU = _split(
    "Москве|Санкт-Петербурге|Новосибирске|Казани|Екатеринбурге|Самаре|Ростове-на-Дону|"
    "Нижнем Новгороде|Красноярске|Владивостоке|Перми|Воронеже"
)
CITIES_EN = _split(
    "Moscow|St Petersburg|Novosibirsk|Kazan|Yekaterinburg|Samara|Rostov-on-Don|"
    "Nizhny Novgorod|Krasnoyarsk|Vladivostok|Perm|Voronezh"
)

FRAMES_RU = _split(
    "{A} и {b} обсуждались на совещании в {city}.|"
    "По словам специалистов, {a} {v}.|"
    "В {city} прошло заседание, посвящённое теме «{a}».|"
    "Тема «{a}» вызвала оживлённую дискуссию, а {b} и {c} упоминались в докладе.|"
    "{A}, {b} и {c} — главные вопросы повестки этой недели.|"
    "Корреспондент в {city} сообщает: {a} {v}.|"
    "Эксперты отмечают, что {a} {v}, а {b} {v2}.|"
    "Журналисты выяснили, как {a} и {b} связаны с тем, что {c} {v}.|"
    "На пресс-конференции в {city} речь шла о том, что {a} {v}.|"
    "Жители отмечают, что {a} {v}, хотя {b} {v2}."
)
FRAMES_EN = _split(
    "{A} and {b} were discussed at a meeting in {city}.|"
    "According to specialists, {a} {v}.|"
    "A session on {a} took place in {city}.|"
    "The subject of {a} prompted a lively debate, and {b} and {c} were mentioned in the report.|"
    "{A}, {b} and {c} top this week's agenda.|"
    "Our correspondent in {city} reports that {a} {v}.|"
    "Experts note that {a} {v}, while {b} {v2}.|"
    "Reporters looked at how {a} and {b} relate to the fact that {c} {v}.|"
    "At a press conference in {city} officials said {a} {v}.|"
    "Residents say {a} {v}, although {b} {v2}."
)
VERBS_RU = _split(
    "остаётся в центре внимания|вызывает споры|требует новых решений|заметно изменилась за год|"
    "обсуждается всё чаще|волнует многих|стала темой дня|привлекает внимание властей|"
    "меняется на глазах|по-прежнему важна для региона"
)
VERBS_EN = _split(
    "remains in the spotlight|is hotly debated|needs new solutions|has changed over the year|"
    "is discussed ever more often|worries many people|became the story of the day|"
    "draws the authorities' attention|is changing fast|still matters for the region"
)

# --- conspiracy claims -----------------------------------------------------
# Accused actors: (category, Russian subject, number, English subject).
ACTORS = [
    ("usa", "Вашингтон", "sg", "Washington"),
    ("usa", "американские власти", "pl", "the American authorities"),
    ("usa", "Госдепартамент США", "sg", "the US State Department"),
    ("usa", "администрация Соединённых Штатов", "sg", "the United States administration"),
    ("usa", "Белый дом", "sg", "the White House"),
    ("nato", "НАТО", "sg", "NATO"),
    ("nato", "Североатлантический альянс", "sg", "the North Atlantic alliance"),
    ("eu", "Брюссель", "sg", "Brussels"),
    ("eu", "Евросоюз", "sg", "the European Union"),
    ("eu", "европейские чиновники", "pl", "EU officials"),
    ("west", "Запад", "sg", "the West"),
    ("west", "западные страны", "pl", "Western countries"),
    ("west", "западные кураторы", "pl", "Western handlers"),
    ("uk", "Лондон", "sg", "London"),
    ("uk", "британские власти", "pl", "the British government"),
    ("intelligence", "ЦРУ", "sg", "the CIA"),
    ("intelligence", "американские спецслужбы", "pl", "American intelligence services"),
    ("intelligence", "западные разведки", "pl", "Western spy agencies"),
    ("ngo", "западные фонды", "pl", "Western foundations"),
    ("ngo", "зарубежные НКО", "pl", "foreign-funded NGOs"),
    ("ngo", "иностранные неправительственные организации", "pl", "foreign non-governmental groups"),
    ("soros", "Джордж Сорос", "sg", "George Soros"),
    ("soros", "фонд Сороса", "sg", "the Soros foundation"),
]
# Covert action: (Russian singular, Russian plural, English).
COVERT = [
    ("тайно финансирует", "тайно финансируют", "secretly bankrolled"),
    ("из-за кулис направляет", "из-за кулис направляют", "steered from behind the scenes"),
    ("негласно курирует", "негласно курируют", "covertly financed"),
    ("щедро проплачивает", "щедро проплачивают", "quietly orchestrated"),
    ("втайне готовит", "втайне готовят", "funnelled secret money to"),
    ("исподволь подпитывает", "исподволь подпитывают", "stage-managed"),
    (
        "руководит по заранее написанному сценарию",
        "руководят по заранее написанному сценарию",
        "choreographed in secret",
    ),
    ("дёргает за ниточки, управляя", "дёргают за ниточки, управляя", "pulled the strings of"),
    ("снабжает деньгами и инструкциями", "снабжают деньгами и инструкциями", "covertly armed"),
    ("тайком финансировал", "тайком финансировали", "engineered, through proxies,"),
]
OBJECTS_RU = _split(
    "оппозицию|уличные протесты|радикальную молодёжь|местных активистов|"
    "так называемую революцию|митингующих|лидеров протеста"
)
OBJECTS_EN = _split(
    "the opposition|the street protests|radical youth groups|local activists|"
    "the so-called revolution|the demonstrators|the protest leaders"
)
AIMS_RU = _split(
    "чтобы расшатать ситуацию в регионе|с целью свергнуть законную власть|"
    "стремясь ослабить Россию|ради смены неугодного режима|чтобы оторвать страну от России|"
    "желая подорвать стабильность на постсоветском пространстве|"
    "чтобы посеять хаос у границ России|добиваясь развала страны|"
    "чтобы дестабилизировать обстановку|рассчитывая расколоть общество"
)
AIMS_EN = _split(
    "in order to destabilise the region|to topple the elected government|"
    "seeking to weaken Russia|as part of a regime-change plan|"
    "aiming to tear the country away from Moscow|"
    "to undermine stability across the former Soviet space|"
    "to sow chaos on Russia's borders|hoping to break the country apart|"
    "in a bid to overthrow the president|to split society"
)
CLAIM_FRAMES_RU = _split(
    "{actor} {covert} {object}, {aim}.|"
    "По данным источников, {actor} {covert} {object} {aim}.|"
    "Политолог уверен, что {actor} {covert} {object}, {aim}.|"
    "{Aim}, {actor} {covert} {object}.|"
    "«{actor} {covert} {object}, {aim}», — сказал депутат Госдумы.|"
    "Всё больше свидетельств того, что {actor} {covert} {object}, {aim}."
)
CLAIM_FRAMES_EN = _split(
    "{actor} {covert} {object} {aim}.|"
    "Sources say {actor} {covert} {object} {aim}.|"
    "A political analyst is convinced that {actor} {covert} {object} {aim}.|"
    '"{actor} {covert} {object} {aim}," a Duma deputy said.|'
    "Mounting evidence suggests {actor} {covert} {object} {aim}."
)
# Negated or debunked versions of the same claims (decoys).
NEGATED_FRAMES_RU = _split(
    "МИД категорически отверг утверждения о том, что {actor} {covert} {object}, {aim}.|"
    "Нет ни одного доказательства того, что {actor} {covert} {object}, {aim}.|"
    "Слухи о том, что {actor} {covert} {object}, {aim}, — не более чем выдумка.|"
    "Эксперт опроверг версию, будто {actor} {covert} {object}, {aim}."
)
NEGATED_FRAMES_EN = _split(
    "The ministry flatly denied that {actor} {covert} {object} {aim}.|"
    "There is no evidence that {actor} {covert} {object} {aim}.|"
    "Claims that {actor} {covert} {object} {aim} are baseless, the spokesman said.|"
    "The expert rejected the idea that {actor} {covert} {object} {aim}."
)
# Plots attributed to non-Western actors (decoys for the anti-Western measure).
NON_WESTERN_RU = _split(
    "Следователи считают, что террористы тайно готовили взрыв, чтобы посеять панику в городе.|"
    "По версии прокуратуры, местные олигархи негласно финансировали банды, стремясь захватить рынок.|"
    "Полиция установила, что преступная группировка втайне подкупала чиновников, чтобы развалить конкурента.|"
    "Боевики тайком получали оружие, намереваясь дестабилизировать обстановку на Кавказе."
)
NON_WESTERN_EN = _split(
    "Investigators believe the terrorists secretly planned the blast to sow panic in the city.|"
    "Prosecutors say local oligarchs covertly financed gangs to seize the market.|"
    "Police found that a criminal gang secretly bribed officials to ruin a competitor.|"
    "Militants covertly obtained weapons, intending to destabilise the Caucasus."
)
# The West named with no plot (decoys): neutral news.
NEUTRAL_WEST_RU = _split(
    "Госдепартамент США приветствовал итоги переговоров.|"
    "Представители НАТО провели плановую встречу в Брюсселе.|"
    "Евросоюз выделил средства на ремонт дорог и школ.|"
    "Британские власти объявили о новых правилах выдачи виз.|"
    "Американские компании открыли представительства в нескольких городах.|"
    "Западные инвесторы проявляют интерес к местному рынку.|"
    "Фонд поддержал программу обмена студентами с европейскими университетами."
)
NEUTRAL_WEST_EN = _split(
    "The US State Department welcomed the outcome of the talks.|"
    "NATO representatives held a routine meeting in Brussels.|"
    "The European Union allocated funds to repair roads and schools.|"
    "The British government announced new visa rules.|"
    "American companies opened offices in several cities.|"
    "Western investors are showing interest in the local market.|"
    "A foundation supported a student exchange with European universities."
)
# Near misses: a Western actor with only one of the other two parts.
NEAR_MISS_RU = _split(
    "США открыто финансируют программы по борьбе с туберкулёзом.|"
    "Лидеры НАТО заявили, что альянс не намерен угрожать безопасности соседей.|"
    "Запад призвал стороны избегать действий, которые могут ослабить переговорный процесс."
)
NEAR_MISS_EN = _split(
    "The United States openly funds tuberculosis programmes.|"
    "NATO leaders said the alliance does not intend to threaten its neighbours.|"
    "The West urged both sides to avoid steps that could weaken the negotiations."
)

OUTLETS = [
    ("Вечерний вестник", "ru"),
    ("Голос регионов", "ru"),
    ("Столичное обозрение", "ru"),
    ("Eurasia Daily Wire", "en"),
    ("The Northern Courier", "en"),
]
