"""Outputs: the extract dataset, the accounting report, GIS and spreadsheet exports, web map."""
