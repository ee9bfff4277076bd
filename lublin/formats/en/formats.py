"""British dates on the English site, "5 December 2026": the city writes for Europe,
and Django's "en" formats are American ("Dec. 5, 2026"). After Django's en_GB, with
the month in full as the city's English texts write it, and the 24-hour clock of the
Polish site. The input formats stay Django's "en" ones, so the admin's date fields
keep reading and writing ISO dates.
"""

DATE_FORMAT = "j F Y"  # '5 December 2026'
TIME_FORMAT = "H:i"  # '14:30'
DATETIME_FORMAT = "j F Y, H:i"  # '5 December 2026, 14:30'
YEAR_MONTH_FORMAT = "F Y"  # 'December 2026'
MONTH_DAY_FORMAT = "j F"  # '5 December'
SHORT_DATE_FORMAT = "d/m/Y"  # '05/12/2026'
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # '05/12/2026 14:30'
FIRST_DAY_OF_WEEK = 1  # Monday
