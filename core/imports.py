"""Reading uploaded tables (CSV or XLSX) for imports, with clear errors."""

from __future__ import annotations

import csv
import zipfile

import tablib
from django.core.exceptions import ValidationError
from openpyxl.utils.exceptions import InvalidFileException

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def read_table(upload) -> tablib.Dataset:
    """The uploaded file as a Dataset with headers; a ValidationError if it cannot be read."""
    name = (getattr(upload, "name", "") or "").lower()
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    raw = upload.read()
    try:
        if name.endswith(".xlsx"):
            return tablib.Dataset().load(raw, format="xlsx")
        if name.endswith(".csv") or not name:
            text = raw.decode("utf-8-sig")
            return tablib.Dataset().load(text, format="csv")
    except UnicodeDecodeError as exc:
        raise ValidationError("The CSV file is not UTF-8 text.") from exc
    except (csv.Error, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        # What openpyxl and the csv module raise for a file that is not the table it claims.
        raise ValidationError(
            f"The file could not be read as a table ({exc.__class__.__name__})."
        ) from exc
    raise ValidationError("Upload a .csv or .xlsx file.")
