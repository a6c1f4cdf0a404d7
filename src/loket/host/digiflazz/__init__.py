"""Digiflazz's buyer API for BPJS Kesehatan: ``client`` (the adapter), ``replies`` (what it said,
judged), ``codes`` (its response codes: class, meaning, the cashier's words)."""
