"""Reading files back in (spreadsheets): parse and validate everything, then one transaction."""
