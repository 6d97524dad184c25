"""Forms of the invoice spaces: they parse and check values; services apply the rules."""
