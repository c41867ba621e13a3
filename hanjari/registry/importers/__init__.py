"""Importers for the official public lists (공공데이터) of social economy organisations.

`reading` turns an XLSX or CSV file into a header and rows; `layouts` knows the four
official layouts (공공데이터포털 15080745, 15091502, 15090110, 15155661; docs/data.md)
and maps a row to fields; `pipeline` validates every row and plans the file's writes;
`matching` finds the organisation a row belongs to; `writer` applies the plan in short
transactions, all or nothing.
"""
