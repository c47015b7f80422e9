"""Words of :mod:`builders_guide.init`: the messages of ``LazyInitError``."""

EN: dict[str, str] = {
    "needs_input": (
        "bg.materialize needs an example input: the dry run is what tells lazy layers their "
        "sizes. Pass one batch, e.g. bg.materialize(model, torch.zeros(2, 20))."
    ),
    "dry_run_failed": (
        "The dry run of {model} on an input of shape {shapes} failed: {error}. A layer does "
        "not fit what comes before it, or the example input has the wrong shape. Check the "
        "sizes of the layers that are not lazy, and pass one batch shaped like your real data."
    ),
    "unknown_shape": "(unknown)",
    "lazy_layer": "layer {name!r} ({type})",
    "lazy_model": "the model itself ({type})",
    "cannot_init": (
        "Cannot initialize {modules}: the parameters are still uninitialized (lazy), so they "
        "have no shape yet. Lazy layers learn their shapes from the first forward pass. "
        "Call bg.materialize(model, example_input) first, then init_layers."
    ),
}

ID: dict[str, str] = {
    "needs_input": (
        "bg.materialize memerlukan contoh masukan: lintasan percobaan itulah yang memberi tahu "
        "lapisan tertunda ukurannya. Berikan satu batch, misalnya "
        "bg.materialize(model, torch.zeros(2, 20))."
    ),
    "dry_run_failed": (
        "Lintasan percobaan {model} pada masukan berbentuk {shapes} gagal: {error}. Ada "
        "lapisan yang tidak cocok dengan keluaran lapisan sebelumnya, atau contoh masukannya "
        "salah bentuk. Periksa ukuran lapisan yang tidak tertunda, lalu berikan satu batch "
        "yang bentuknya seperti data sebenarnya."
    ),
    "unknown_shape": "(tidak diketahui)",
    "lazy_layer": "lapisan {name!r} ({type})",
    "lazy_model": "model itu sendiri ({type})",
    "cannot_init": (
        "Tidak dapat menginisialisasi {modules}: parameternya belum diinisialisasi "
        "(tertunda), jadi belum punya bentuk. Lapisan tertunda baru mengetahui bentuknya pada "
        "forward pass pertama. Panggil dulu bg.materialize(model, example_input), baru "
        "init_layers."
    ),
}
