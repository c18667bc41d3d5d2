"""Files people hand to auditors: workbook, PDF checklists, evidence package (data in, file out)."""
