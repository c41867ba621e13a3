"""Importers for the official public lists (공공데이터) of social economy organisations.

`reading` turns an XLSX or CSV file into a header and rows, `layouts` knows the four
official layouts (DOMAIN.md §5) and maps a row to fields, `pipeline` validates every
row and applies the file to the registry in one transaction.
"""
