"""Words of :mod:`builders_guide.params`: the parameter table and the ``count_params`` error.

The column headers ``dtype`` and ``numel`` are attribute names of a tensor, and the
``kind`` values ``parameter`` and ``buffer`` are the same words in both languages (see
``notebooks/id/GLOSSARY.md``); they are code, not catalog entries.
"""

EN: dict[str, str] = {
    "column_name": "name",
    "column_kind": "kind",
    "column_shape": "shape",
    "column_device": "device",
    "column_trainable": "trainable",
    "column_tied": "tied with",
    "uninitialized": "uninitialized",
    "totals": (
        "total: {total:,} parameters ({trainable:,} trainable) in {tensors:,} tensors; "
        "tied tensors counted once"
    ),
    "totals_lazy": "; {lazy:,} more tensors uninitialized (lazy)",
    "count_lazy": (
        "Cannot count parameters: {count} are uninitialized (lazy): {names}. "
        "Lazy layers learn their shapes from the first forward pass. "
        "Run bg.materialize(model, example_input) first."
    ),
}

ID: dict[str, str] = {
    "column_name": "nama",
    "column_kind": "jenis",
    "column_shape": "bentuk",
    "column_device": "perangkat",
    "column_trainable": "dapat dilatih",
    "column_tied": "terikat dengan",
    "uninitialized": "belum diinisialisasi",
    "totals": (
        "total: {total:,} parameter ({trainable:,} dapat dilatih) dalam {tensors:,} tensor; "
        "tensor terikat dihitung sekali"
    ),
    "totals_lazy": "; {lazy:,} tensor lagi belum diinisialisasi (tertunda)",
    "count_lazy": (
        "Parameter tidak dapat dihitung: {count} di antaranya belum diinisialisasi "
        "(tertunda): {names}. Lapisan tertunda baru mengetahui bentuknya pada forward pass "
        "pertama. Jalankan dulu bg.materialize(model, example_input)."
    ),
}
