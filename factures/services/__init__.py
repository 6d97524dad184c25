"""Every operation that changes invoices: one module per use case."""
