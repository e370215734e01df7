"""Dutch as Leerborg writes it: `30-11-2026`, `7 december 2026`. The rest is Django's Dutch."""

SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
