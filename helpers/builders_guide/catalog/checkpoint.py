"""Words of :mod:`builders_guide.checkpoint`: every error and warning a learner can see.

Fields: ``name`` is the file's name in quotes, without its folder; ``where`` says which
part of the saved object (``obj['w']``); numbers such as ``size`` are ``int``.
"""

_AGAIN_EN = "Save it again, or restore an earlier copy."
_AGAIN_ID = "Simpan ulang, atau pulihkan salinan sebelumnya."

EN: dict[str, str] = {
    # ------------------------------------------------------------------ finding the file
    "not_found": (
        "{name} does not exist (the current folder is '{cwd}'). Check the name and the "
        "folder, or save the checkpoint first."
    ),
    "is_folder": "{name} is a folder, not a checkpoint file. Pass the path of the checkpoint file inside it.",
    "not_regular": (
        "{name} is not a regular file but {kind}, so reading it could block or never end. "
        "Pass the path of a checkpoint file saved with bg.save or torch.save."
    ),
    "kind_fifo": "a named pipe (FIFO)",
    "kind_char_device": "a character device (such as /dev/zero)",
    "kind_block_device": "a block device (a disk)",
    "kind_socket": "a socket",
    "kind_special": "a special file",
    "unreadable": "{name} could not be read: {error}. Check its permissions.",
    "empty": (
        "{name} is empty (0 bytes). A save was probably interrupted before it wrote anything, "
        "or the file was created by mistake. " + _AGAIN_EN
    ),
    "not_checkpoint": (
        "{name} is not a checkpoint: {what}. A checkpoint is a file written by torch.save or "
        "bg.save, or a safetensors file. Check that you picked the right file."
    ),
    "unknown_format": (
        "{name} is not a checkpoint: its first bytes match no known format (a torch.save zip, "
        "a safetensors file, a pickle). Check that you picked the right file; if it should be "
        "a checkpoint, it is damaged: save it again, or restore an earlier copy."
    ),
    "what_png": "it is a PNG image",
    "what_jpeg": "it is a JPEG image",
    "what_gif": "it is a GIF image",
    "what_pdf": "it is a PDF document",
    "what_gzip": "it is gzip-compressed (decompress it first)",
    "what_npy": "it is a NumPy .npy array (load it with numpy.load)",
    "what_text": "it is a text file (it starts with {start})",
    # ------------------------------------------------------------------ torch format
    "old_torch": (
        "{name} was not loaded: it is a pickle-based file (torch.save), and this PyTorch "
        "{version} has known holes in its safe loader (weights_only=True): {holes}. A crafted "
        "file could exploit them. Upgrade PyTorch to {safe} or newer (pip install -U torch), or "
        "load a .safetensors copy of the file, which is safe on any PyTorch."
    ),
    "hole_code": "{cve} lets a file run code (fixed in 2.6)",
    "hole_memory": "{cve} lets a file corrupt memory (fixed in 2.10)",
    "torchscript": (
        "{name} is a TorchScript archive (saved with torch.jit.save): a whole program, not a "
        "checkpoint of weights, and loading a program can run its code. If you trust its "
        "source, load it with torch.jit.load; better, ask for its state_dict() saved with "
        "bg.save."
    ),
    "zip_not_torch": (
        "{name} is a zip archive, not a PyTorch checkpoint (it holds no data.pkl). Check that "
        "you picked the right file; unzip it if the checkpoint is inside."
    ),
    "compressed": (
        "{name} was refused: its record '{record}' is compressed ({packed:,} bytes that "
        "expand to {unpacked:,}), and torch.save never compresses. The file was repacked by "
        "another zip tool, or built to exhaust memory when loaded. Save it again with "
        "torch.save or bg.save from the original object."
    ),
    "record_past_end": (
        "{name} is truncated or damaged: its record '{record}' ends past the end of the file "
        "({size:,} bytes). " + _AGAIN_EN
    ),
    "record_size": (
        "{name} is damaged: the sizes recorded for '{record}' contradict each other. Its "
        "bytes changed after it was saved, probably during a copy or a download. " + _AGAIN_EN
    ),
    "record_folder": (
        "{name} is damaged: its record '{record}' is marked as a folder, so its data would not "
        "be read. " + _AGAIN_EN
    ),
    "sizes_exceed": (
        "{name} is damaged: its records claim more bytes than the whole file has ({size:,}). "
        + _AGAIN_EN
    ),
    "storage_size": (
        "{name} is damaged: tensor storage '{key}' claims {claimed:,} bytes, but the file "
        "holds {have:,} for it. " + _AGAIN_EN
    ),
    "legacy_sizes": (
        "{name} is damaged: its tensors claim {claimed:,} bytes, more than the whole file "
        "({size:,} bytes). " + _AGAIN_EN
    ),
    "zip_truncated": (
        "{name} is truncated: it starts like a PyTorch checkpoint, but its end (the zip "
        "directory, written last) is missing; the file has {size:,} bytes. It was probably "
        "cut off during a copy, a download or a crash. " + _AGAIN_EN
    ),
    "zip_damaged": (
        "{name} is damaged ({error}). Its bytes changed after it was saved, probably during a "
        "copy or a download, or on a failing disk. " + _AGAIN_EN
    ),
    "zip_unreadable": (
        "{name} is damaged: its zip structure cannot be read ({error}). It was probably "
        "altered during a copy or a download. " + _AGAIN_EN
    ),
    "needs_gpu": "{name} was saved on a GPU, and this machine has none. Load it with map_location='cpu'.",
    "bad_sparse": (
        "{name} was refused: it holds a sparse tensor whose indices do not fit its shape "
        "({error}). Using it could crash the program. The file is damaged or was crafted; "
        "save it again from the original tensors."
    ),
    "unsafe": (
        "{name} refers to {names}, which a safe load (weights_only=True) refuses: loading it "
        "could run code, not just read data. It was probably saved from an object that is not "
        "plain tensors and values, or it was made to attack you. Do not load it with "
        "weights_only=False. If you trust the file and these classes, allow them with "
        "torch.serialization.add_safe_globals([...]) and load again; better, save plain data "
        "(a state_dict()) instead."
    ),
    "unsafe_unnamed": (
        "{name} refers to an object that only code could rebuild, which a safe load "
        "(weights_only=True) refuses. Do not load it with weights_only=False; save plain data "
        "(a state_dict()) instead."
    ),
    "newer_torch": (
        "{name} needs {names}, which this PyTorch {version} does not have: it was probably "
        "saved by a newer PyTorch (with a newer dtype). Upgrade PyTorch, or save it again "
        "with a dtype this version knows (for example float32)."
    ),
    "protocol": (
        "{name} was saved with pickle protocol {protocol} (torch.save(..., pickle_protocol="
        "{protocol})), and PyTorch's safe loader reads only protocol 2, the default. The file "
        "is intact. Save it again without pickle_protocol, or save it as .safetensors."
    ),
    "python_pickle": (
        "{name} is a Python pickle, not a PyTorch checkpoint ({error}). Load checkpoints saved "
        "with torch.save or bg.save; for other pickles ask where the file came from, and "
        "unpickle it only if you trust it."
    ),
    "torch_damaged": (
        "{name} is damaged: PyTorch could not read it ({error}). It was probably cut off or "
        "altered during a copy, a download or a crash. " + _AGAIN_EN
    ),
    # ------------------------------------------------------------------ safetensors format
    "truncated": (
        "{name} is truncated ({sizes}). It was probably cut off during a copy, a download or a "
        "crash. " + _AGAIN_EN
    ),
    "bytes": "{size:,} bytes",
    "of_bytes": "{size:,} of {expected:,} bytes",
    "less_than_header": "{size:,} bytes, less than its {header:,}-byte header",
    "bad_header": (
        "{name} is damaged: its safetensors header cannot be read. It was probably altered "
        "during a copy or a download. " + _AGAIN_EN
    ),
    "safetensors_damaged": (
        "{name} is damaged: it is not a valid safetensors file ({error}). It was probably "
        "altered during a copy or a download. " + _AGAIN_EN
    ),
    "unreadable_dtype": (
        "{name} holds a tensor of dtype {dtype}, which this PyTorch {version} cannot "
        "represent. The file is intact. Upgrade PyTorch, or convert that tensor to a "
        "supported dtype (such as float16 or float32) where it was saved."
    ),
    "checksum": (
        "{name} is damaged: its contents no longer match the checksum written when it was "
        "saved. Its bytes changed after the save, probably during a copy or a download, or on "
        "a failing disk. " + _AGAIN_EN
    ),
    "forged": (
        "{name} was refused: its builders_guide metadata does not describe its tensors "
        "({error}). It was not written by bg.save, or its metadata was edited. Load it with "
        "safetensors.torch.load_file if you trust it, or save it again with bg.save."
    ),
    "map_location": (
        "map_location for a .safetensors file must be a device or a device string such as "
        "'cpu' or 'cuda:0', not a {type}."
    ),
    "no_metadata": (
        "{name} is not a safetensors file, so it has no metadata. Only files saved with a "
        ".safetensors name carry metadata."
    ),
    # ------------------------------------------------------------------ saving
    "metadata_torch": (
        "metadata is only stored in .safetensors files, and {name} is not one. Use a name "
        "ending in .safetensors, or put the notes into the saved dict."
    ),
    "metadata_type": "metadata must be a dict of strings, not a {type}.",
    "metadata_strings": (
        "metadata must map strings to strings, but {pair} does not. Convert the values with "
        "str() (or json.dumps for structures)."
    ),
    "metadata_reserved": "metadata key {key} uses the reserved prefix {prefix}. Choose another name.",
    "safetensors_obj": (
        "a .safetensors file stores tensors only, but obj is a {type}. Pass a module, a "
        "tensor, or a dict/list of tensors; or use a .pt name."
    ),
    "safetensors_key": (
        "a .safetensors file needs string keys, but {key} is a {type}. Convert the keys with "
        "str(), or use a .pt name."
    ),
    "safetensors_value": (
        "a .safetensors file stores tensors only, but {key} is a {type}. Keep only the "
        "tensors, or save to a .pt file, which also holds numbers, strings and nested "
        "containers."
    ),
    "safetensors_dtype": (
        "{where} has dtype {dtype}, which a .safetensors file cannot store. Convert it (for "
        "example .to(torch.float32)), or use a .pt name."
    ),
    "safetensors_layout": (
        "{where} is a {layout} tensor, and a .safetensors file stores dense tensors only. "
        "Save it densely (.to_dense()), or use a .pt name."
    ),
    "lazy": (
        "{where} is an uninitialized lazy parameter: it has no shape or values yet. Run one "
        "forward pass first (bg.materialize(model, example_input)), then save."
    ),
    "meta_tensor": (
        "{where} is a tensor on the 'meta' device: it has a shape but no values, so there is "
        "nothing to save. Build or load the model on a real device (e.g. 'cpu') first."
    ),
    "tensor_subclass": (
        "{where} is a tensor subclass ({type}), which a safe load refuses, so the file could "
        "not be loaded back. Save a plain tensor instead, e.g. t.as_subclass(torch.Tensor)."
    ),
    "tensor_attributes": (
        "{where} is a tensor carrying Python attributes ({names}), which a checkpoint cannot "
        "keep exactly. Save them as separate entries, then delete them from the tensor "
        "(del t.<name>)."
    ),
    "not_plain": (
        "{where} is a {type}, which a safe load (weights_only=True) refuses, so the file could "
        "not be loaded back. Save plain data instead: tensors, numbers, strings, lists and "
        "dicts (for a module or optimizer, its state_dict())."
    ),
    "key_of": "a key of {where}",
    "too_deep": (
        "{where} is nested more than {limit} containers deep, too deep to save and load "
        "safely. Flatten the structure (for example, a dict with longer keys)."
    ),
    "no_folder": (
        "cannot save {name}: its folder '{folder}' does not exist. Create it first, e.g. "
        "pathlib.Path(folder).mkdir(parents=True, exist_ok=True)."
    ),
    "save_to_folder": "cannot save to {name}: it is a folder. Pass a file name inside it instead.",
    "name_too_long": (
        "cannot save {name}: its name is {size:,} bytes long, and this file system allows "
        "{limit:,}. Choose a shorter name."
    ),
    "disk_full": (
        "could not save {name}: the disk is full. Free some space or save to another disk; "
        "the previous {name}, if any, is unchanged."
    ),
    "file_too_big": (
        "could not save {name}: the file grew past the size limit for one file (the limit of "
        "this process, see 'ulimit -f', or of the file system, e.g. 4 GiB on FAT32). Raise the "
        "limit or save to another disk; the previous {name}, if any, is unchanged."
    ),
    # ------------------------------------------------------------------ loading into a model
    "is_training_state": (
        "{name} holds a whole training state, not a model's state dict. Load it with "
        "bg.load_training_state(path, model=..., optimizer=...)."
    ),
    "not_state_dict": (
        "{name} holds a {type}, not a model's state dict, so it cannot be loaded into a model. "
        "Load it with bg.load(path) and use the value directly."
    ),
    "does_not_fit": (
        "{name} does not fit this {model}: {error}. Build the model with the same settings as "
        "when the checkpoint was saved."
    ),
    "mismatch_head": "{name} does not fit this {model}:",
    "mismatch_missing": "  missing from the checkpoint ({count}): {keys}",
    "mismatch_unexpected": "  in the checkpoint but not in the model ({count}): {keys}",
    "mismatch_shapes": "  different shapes ({count}): {keys}",
    "shape_pair": "{key}: checkpoint {saved} vs model {model}",
    "and_more": ", ... and {count} more",
    "mismatch_advice": (
        "It was probably saved from a different architecture or configuration. Build the "
        "model with the same settings as when it was saved, or pass strict=False to load only "
        "the keys whose names and shapes match."
    ),
    # ------------------------------------------------------------------ training state
    "training_needs_torch": (
        "a training state holds more than tensors (optimizer settings, the step, RNG states), "
        "so it needs the torch format. Use a name such as 'train.pt'."
    ),
    "not_training_state": (
        "{name} is not a training state saved by bg.save_training_state. For a plain state "
        "dict use bg.load(path, into=model)."
    ),
    "training_version": (
        "{name} is a training state of version {version}, which this builders_guide does not "
        "know. Update the helper package."
    ),
    "training_missing": (
        "{name} is an incomplete training state (missing '{field}'). Nothing was changed. "
        + _AGAIN_EN
    ),
    "training_field": (
        "{name} is a damaged training state: its field '{field}' is a {type} of the wrong "
        "form. Nothing was changed. " + _AGAIN_EN
    ),
    "no_scheduler": (
        "{name} holds no scheduler state, but a scheduler was passed. Nothing was changed. "
        "Resume without scheduler=..., or save one with the training state."
    ),
    "state_does_not_fit": (
        "{name}: the saved {what} state does not fit this {type} ({detail}). Nothing was "
        "changed. Build the {what} the same way as when the state was saved (same type, same "
        "parameter groups)."
    ),
    "saved_from": "it was saved from a {saved}",
    "group_count": "{saved} parameter groups saved, {have} here",
    "group_params": "group {group} has {saved} parameters saved, {have} here",
    "group_settings": "group {group} has different settings: {keys}",
    "state_for_unknown": "state for parameter {index}, which no group holds",
    "state_shape": "state {key} of parameter {index} has shape {saved}, the parameter {have}",
    "bad_rng": (
        "{name} holds unusable random number generator states ({error}). Nothing was "
        "changed. " + _AGAIN_EN
    ),
    "no_cuda_rng": (
        "{name} holds CUDA random states, but this machine has no CUDA device; they were not "
        "restored, so GPU-side randomness will differ."
    ),
}

ID: dict[str, str] = {
    # ------------------------------------------------------------------ finding the file
    "not_found": (
        "{name} tidak ada (folder saat ini '{cwd}'). Periksa nama dan foldernya, atau simpan "
        "checkpoint-nya lebih dulu."
    ),
    "is_folder": "{name} adalah folder, bukan file checkpoint. Berikan path file checkpoint di dalamnya.",
    "not_regular": (
        "{name} bukan file biasa melainkan {kind}, sehingga membacanya bisa macet atau tidak "
        "pernah selesai. Berikan path file checkpoint yang disimpan dengan bg.save atau "
        "torch.save."
    ),
    "kind_fifo": "sebuah pipa bernama (FIFO)",
    "kind_char_device": "sebuah perangkat karakter (seperti /dev/zero)",
    "kind_block_device": "sebuah perangkat blok (disk)",
    "kind_socket": "sebuah soket",
    "kind_special": "sebuah file khusus",
    "unreadable": "{name} tidak dapat dibaca: {error}. Periksa izin aksesnya.",
    "empty": (
        "{name} kosong (0 byte). Penyimpanan kemungkinan terputus sebelum menulis apa pun, "
        "atau file ini terbuat tanpa sengaja. " + _AGAIN_ID
    ),
    "not_checkpoint": (
        "{name} bukan checkpoint: {what}. Checkpoint adalah file yang ditulis oleh torch.save "
        "atau bg.save, atau file safetensors. Periksa apakah file yang dipilih sudah benar."
    ),
    "unknown_format": (
        "{name} bukan checkpoint: byte pertamanya tidak cocok dengan format apa pun yang "
        "dikenal (zip torch.save, file safetensors, pickle). Periksa apakah file yang dipilih "
        "sudah benar; jika seharusnya checkpoint, file itu rusak: simpan ulang, atau pulihkan "
        "salinan sebelumnya."
    ),
    "what_png": "ini gambar PNG",
    "what_jpeg": "ini gambar JPEG",
    "what_gif": "ini gambar GIF",
    "what_pdf": "ini dokumen PDF",
    "what_gzip": "ini file terkompresi gzip (dekompresi dulu)",
    "what_npy": "ini larik NumPy .npy (muat dengan numpy.load)",
    "what_text": "ini file teks (diawali {start})",
    # ------------------------------------------------------------------ torch format
    "old_torch": (
        "{name} tidak dimuat: file ini berbasis pickle (torch.save), dan PyTorch {version} ini "
        "punya celah yang sudah diketahui pada pemuat amannya (weights_only=True): {holes}. "
        "File yang sengaja dibuat bisa memanfaatkannya. Perbarui PyTorch ke {safe} atau lebih "
        "baru (pip install -U torch), atau muat salinan .safetensors dari file itu, yang aman "
        "di PyTorch versi mana pun."
    ),
    "hole_code": "{cve} memungkinkan file menjalankan kode (diperbaiki di 2.6)",
    "hole_memory": "{cve} memungkinkan file merusak memori (diperbaiki di 2.10)",
    "torchscript": (
        "{name} adalah arsip TorchScript (disimpan dengan torch.jit.save): sebuah program utuh, "
        "bukan checkpoint bobot, dan memuat program bisa menjalankan kodenya. Jika sumbernya "
        "tepercaya, muat dengan torch.jit.load; lebih baik, mintalah state_dict()-nya yang "
        "disimpan dengan bg.save."
    ),
    "zip_not_torch": (
        "{name} adalah arsip zip, bukan checkpoint PyTorch (tidak berisi data.pkl). Periksa "
        "apakah file yang dipilih sudah benar; ekstrak dulu jika checkpoint-nya ada di dalamnya."
    ),
    "compressed": (
        "{name} ditolak: rekamannya '{record}' terkompresi ({packed:,} byte yang mengembang "
        "menjadi {unpacked:,}), padahal torch.save tidak pernah mengompresi. File ini dikemas "
        "ulang oleh alat zip lain, atau dibuat untuk menghabiskan memori saat dimuat. Simpan "
        "ulang dengan torch.save atau bg.save dari objek aslinya."
    ),
    "record_past_end": (
        "{name} terpotong atau rusak: rekamannya '{record}' berakhir melewati akhir file "
        "({size:,} byte). " + _AGAIN_ID
    ),
    "record_size": (
        "{name} rusak: ukuran yang tercatat untuk '{record}' saling bertentangan. Byte-nya "
        "berubah setelah disimpan, kemungkinan saat disalin atau diunduh. " + _AGAIN_ID
    ),
    "record_folder": (
        "{name} rusak: rekamannya '{record}' ditandai sebagai folder, sehingga datanya tidak "
        "akan dibaca. " + _AGAIN_ID
    ),
    "sizes_exceed": (
        "{name} rusak: rekaman-rekamannya mengklaim lebih banyak byte daripada seluruh file "
        "({size:,}). " + _AGAIN_ID
    ),
    "storage_size": (
        "{name} rusak: storage tensor '{key}' mengklaim {claimed:,} byte, tetapi file hanya "
        "menyediakan {have:,} untuknya. " + _AGAIN_ID
    ),
    "legacy_sizes": (
        "{name} rusak: tensornya mengklaim {claimed:,} byte, lebih dari seluruh file "
        "({size:,} byte). " + _AGAIN_ID
    ),
    "zip_truncated": (
        "{name} terpotong: awalnya seperti checkpoint PyTorch, tetapi bagian akhirnya "
        "(direktori zip, yang ditulis terakhir) hilang; file ini berukuran {size:,} byte. "
        "Kemungkinan terpotong saat disalin, diunduh, atau saat program mogok. " + _AGAIN_ID
    ),
    "zip_damaged": (
        "{name} rusak ({error}). Byte-nya berubah setelah disimpan, kemungkinan saat disalin "
        "atau diunduh, atau karena disk yang bermasalah. " + _AGAIN_ID
    ),
    "zip_unreadable": (
        "{name} rusak: struktur zip-nya tidak dapat dibaca ({error}). Kemungkinan berubah saat "
        "disalin atau diunduh. " + _AGAIN_ID
    ),
    "needs_gpu": (
        "{name} disimpan di GPU, dan mesin ini tidak punya GPU. Muat dengan map_location='cpu'."
    ),
    "bad_sparse": (
        "{name} ditolak: isinya tensor sparse yang indeksnya tidak cocok dengan bentuknya "
        "({error}). Memakainya bisa membuat program mogok. File ini rusak atau sengaja dibuat; "
        "simpan ulang dari tensor aslinya."
    ),
    "unsafe": (
        "{name} merujuk ke {names}, yang ditolak oleh pemuatan aman (weights_only=True): "
        "memuatnya bisa menjalankan kode, bukan sekadar membaca data. Kemungkinan file ini "
        "disimpan dari objek yang bukan sekadar tensor dan nilai biasa, atau memang dibuat "
        "untuk menyerang Anda. Jangan memuatnya dengan weights_only=False. Jika Anda "
        "memercayai file dan kelas-kelas itu, izinkan dengan "
        "torch.serialization.add_safe_globals([...]) lalu muat lagi; lebih baik, simpan data "
        "biasa (sebuah state_dict()) saja."
    ),
    "unsafe_unnamed": (
        "{name} merujuk ke objek yang hanya bisa dibangun ulang oleh kode, yang ditolak oleh "
        "pemuatan aman (weights_only=True). Jangan memuatnya dengan weights_only=False; simpan "
        "data biasa (sebuah state_dict()) saja."
    ),
    "newer_torch": (
        "{name} memerlukan {names}, yang tidak dimiliki PyTorch {version} ini: kemungkinan "
        "disimpan oleh PyTorch yang lebih baru (dengan dtype yang lebih baru). Perbarui "
        "PyTorch, atau simpan ulang dengan dtype yang dikenal versi ini (misalnya float32)."
    ),
    "protocol": (
        "{name} disimpan dengan protokol pickle {protocol} (torch.save(..., pickle_protocol="
        "{protocol})), dan pemuat aman PyTorch hanya membaca protokol 2, bawaannya. File ini "
        "utuh. Simpan ulang tanpa pickle_protocol, atau simpan sebagai .safetensors."
    ),
    "python_pickle": (
        "{name} adalah pickle Python, bukan checkpoint PyTorch ({error}). Muat checkpoint yang "
        "disimpan dengan torch.save atau bg.save; untuk pickle lain, tanyakan asal filenya, "
        "dan buka hanya jika Anda memercayainya."
    ),
    "torch_damaged": (
        "{name} rusak: PyTorch tidak dapat membacanya ({error}). Kemungkinan terpotong atau "
        "berubah saat disalin, diunduh, atau saat program mogok. " + _AGAIN_ID
    ),
    # ------------------------------------------------------------------ safetensors format
    "truncated": (
        "{name} terpotong ({sizes}). Kemungkinan terpotong saat disalin, diunduh, atau saat "
        "program mogok. " + _AGAIN_ID
    ),
    "bytes": "{size:,} byte",
    "of_bytes": "{size:,} dari {expected:,} byte",
    "less_than_header": "{size:,} byte, kurang dari header-nya yang {header:,} byte",
    "bad_header": (
        "{name} rusak: header safetensors-nya tidak dapat dibaca. Kemungkinan berubah saat "
        "disalin atau diunduh. " + _AGAIN_ID
    ),
    "safetensors_damaged": (
        "{name} rusak: ini bukan file safetensors yang sah ({error}). Kemungkinan berubah saat "
        "disalin atau diunduh. " + _AGAIN_ID
    ),
    "unreadable_dtype": (
        "{name} berisi tensor ber-dtype {dtype}, yang tidak dapat dinyatakan oleh PyTorch "
        "{version} ini. File ini utuh. Perbarui PyTorch, atau ubah tensor itu ke dtype yang "
        "didukung (seperti float16 atau float32) di tempat file itu disimpan."
    ),
    "checksum": (
        "{name} rusak: isinya tidak lagi cocok dengan checksum yang ditulis saat disimpan. "
        "Byte-nya berubah setelah disimpan, kemungkinan saat disalin atau diunduh, atau karena "
        "disk yang bermasalah. " + _AGAIN_ID
    ),
    "forged": (
        "{name} ditolak: metadata builders_guide-nya tidak sesuai dengan tensornya ({error}). "
        "File ini tidak ditulis oleh bg.save, atau metadatanya telah diubah. Muat dengan "
        "safetensors.torch.load_file jika Anda memercayainya, atau simpan ulang dengan bg.save."
    ),
    "map_location": (
        "map_location untuk file .safetensors harus berupa device atau string device seperti "
        "'cpu' atau 'cuda:0', bukan {type}."
    ),
    "no_metadata": (
        "{name} bukan file safetensors, jadi tidak punya metadata. Hanya file yang disimpan "
        "dengan nama .safetensors yang membawa metadata."
    ),
    # ------------------------------------------------------------------ saving
    "metadata_torch": (
        "metadata hanya disimpan di file .safetensors, dan {name} bukan file seperti itu. "
        "Gunakan nama berakhiran .safetensors, atau masukkan catatannya ke dalam dict yang "
        "disimpan."
    ),
    "metadata_type": "metadata harus berupa dict berisi string, bukan {type}.",
    "metadata_strings": (
        "metadata harus memetakan string ke string, tetapi {pair} tidak. Ubah nilainya dengan "
        "str() (atau json.dumps untuk struktur)."
    ),
    "metadata_reserved": "kunci metadata {key} memakai awalan khusus {prefix}. Pilih nama lain.",
    "safetensors_obj": (
        "file .safetensors hanya menyimpan tensor, tetapi obj adalah {type}. Berikan modul, "
        "tensor, atau dict/list berisi tensor; atau gunakan nama .pt."
    ),
    "safetensors_key": (
        "file .safetensors memerlukan kunci string, tetapi {key} adalah {type}. Ubah kuncinya "
        "dengan str(), atau gunakan nama .pt."
    ),
    "safetensors_value": (
        "file .safetensors hanya menyimpan tensor, tetapi {key} adalah {type}. Simpan "
        "tensornya saja, atau simpan ke file .pt, yang juga menampung angka, string, dan "
        "wadah bersarang."
    ),
    "safetensors_dtype": (
        "{where} ber-dtype {dtype}, yang tidak dapat disimpan oleh file .safetensors. Ubah "
        "dtype-nya (misalnya .to(torch.float32)), atau gunakan nama .pt."
    ),
    "safetensors_layout": (
        "{where} adalah tensor {layout}, dan file .safetensors hanya menyimpan tensor padat. "
        "Simpan dalam bentuk padat (.to_dense()), atau gunakan nama .pt."
    ),
    "lazy": (
        "{where} adalah parameter tertunda yang belum diinisialisasi: belum punya bentuk "
        "maupun nilai. Jalankan satu forward pass dulu (bg.materialize(model, "
        "example_input)), lalu simpan."
    ),
    "meta_tensor": (
        "{where} adalah tensor di device 'meta': punya bentuk tetapi tidak punya nilai, jadi "
        "tidak ada yang bisa disimpan. Bangun atau muat modelnya di device sungguhan "
        "(misalnya 'cpu') dulu."
    ),
    "tensor_subclass": (
        "{where} adalah subkelas tensor ({type}), yang ditolak oleh pemuatan aman, sehingga "
        "filenya tidak bisa dimuat kembali. Simpan tensor biasa saja, misalnya "
        "t.as_subclass(torch.Tensor)."
    ),
    "tensor_attributes": (
        "{where} adalah tensor yang membawa atribut Python ({names}), yang tidak dapat "
        "disimpan persis oleh checkpoint. Simpan atribut itu sebagai entri tersendiri, lalu "
        "hapus dari tensornya (del t.<nama>)."
    ),
    "not_plain": (
        "{where} adalah {type}, yang ditolak oleh pemuatan aman (weights_only=True), sehingga "
        "filenya tidak bisa dimuat kembali. Simpan data biasa saja: tensor, angka, string, "
        "list, dan dict (untuk modul atau optimizer, state_dict()-nya)."
    ),
    "key_of": "sebuah kunci dari {where}",
    "too_deep": (
        "{where} bersarang lebih dari {limit} wadah, terlalu dalam untuk disimpan dan dimuat "
        "dengan aman. Ratakan strukturnya (misalnya, dict dengan kunci yang lebih panjang)."
    ),
    "no_folder": (
        "tidak dapat menyimpan {name}: foldernya '{folder}' tidak ada. Buat dulu, misalnya "
        "pathlib.Path(folder).mkdir(parents=True, exist_ok=True)."
    ),
    "save_to_folder": (
        "tidak dapat menyimpan ke {name}: itu sebuah folder. Berikan nama file di dalamnya."
    ),
    "name_too_long": (
        "tidak dapat menyimpan {name}: namanya sepanjang {size:,} byte, dan sistem file ini "
        "hanya mengizinkan {limit:,}. Pilih nama yang lebih pendek."
    ),
    "disk_full": (
        "gagal menyimpan {name}: disk penuh. Kosongkan sebagian ruang atau simpan ke disk lain; "
        "{name} yang lama, jika ada, tidak berubah."
    ),
    "file_too_big": (
        "gagal menyimpan {name}: file melewati batas ukuran untuk satu file (batas proses ini, "
        "lihat 'ulimit -f', atau batas sistem file, misalnya 4 GiB pada FAT32). Naikkan "
        "batasnya atau simpan ke disk lain; {name} yang lama, jika ada, tidak berubah."
    ),
    # ------------------------------------------------------------------ loading into a model
    "is_training_state": (
        "{name} berisi seluruh status pelatihan, bukan state dict sebuah model. Muat dengan "
        "bg.load_training_state(path, model=..., optimizer=...)."
    ),
    "not_state_dict": (
        "{name} berisi {type}, bukan state dict sebuah model, sehingga tidak dapat dimuat ke "
        "model. Muat dengan bg.load(path) dan pakai nilainya langsung."
    ),
    "does_not_fit": (
        "{name} tidak cocok dengan {model} ini: {error}. Bangun model dengan pengaturan yang "
        "sama seperti saat checkpoint disimpan."
    ),
    "mismatch_head": "{name} tidak cocok dengan {model} ini:",
    "mismatch_missing": "  tidak ada di checkpoint ({count}): {keys}",
    "mismatch_unexpected": "  ada di checkpoint tetapi tidak ada di model ({count}): {keys}",
    "mismatch_shapes": "  bentuk berbeda ({count}): {keys}",
    "shape_pair": "{key}: di checkpoint {saved}, di model {model}",
    "and_more": ", ... dan {count} lainnya",
    "mismatch_advice": (
        "Kemungkinan disimpan dari arsitektur atau konfigurasi yang berbeda. Bangun model "
        "dengan pengaturan yang sama seperti saat disimpan, atau berikan strict=False untuk "
        "memuat hanya kunci yang nama dan bentuknya cocok."
    ),
    # ------------------------------------------------------------------ training state
    "training_needs_torch": (
        "status pelatihan berisi lebih dari tensor (pengaturan optimizer, langkah, status "
        "RNG), sehingga memerlukan format torch. Gunakan nama seperti 'train.pt'."
    ),
    "not_training_state": (
        "{name} bukan status pelatihan yang disimpan oleh bg.save_training_state. Untuk state "
        "dict biasa, gunakan bg.load(path, into=model)."
    ),
    "training_version": (
        "{name} adalah status pelatihan versi {version}, yang tidak dikenal builders_guide ini. "
        "Perbarui paket helper-nya."
    ),
    "training_missing": (
        "{name} adalah status pelatihan yang tidak lengkap ('{field}' tidak ada). Tidak ada "
        "yang diubah. " + _AGAIN_ID
    ),
    "training_field": (
        "{name} adalah status pelatihan yang rusak: isian '{field}'-nya berupa {type} dengan "
        "bentuk yang salah. Tidak ada yang diubah. " + _AGAIN_ID
    ),
    "no_scheduler": (
        "{name} tidak berisi status scheduler, tetapi sebuah scheduler diberikan. Tidak ada "
        "yang diubah. Lanjutkan tanpa scheduler=..., atau simpan scheduler bersama status "
        "pelatihannya."
    ),
    "state_does_not_fit": (
        "{name}: status {what} yang tersimpan tidak cocok dengan {type} ini ({detail}). Tidak "
        "ada yang diubah. Bangun {what} dengan cara yang sama seperti saat statusnya disimpan "
        "(jenis yang sama, kelompok parameter yang sama)."
    ),
    "saved_from": "status itu disimpan dari {saved}",
    "group_count": "{saved} kelompok parameter tersimpan, di sini {have}",
    "group_params": "kelompok {group} punya {saved} parameter tersimpan, di sini {have}",
    "group_settings": "kelompok {group} punya pengaturan yang berbeda: {keys}",
    "state_for_unknown": "status untuk parameter {index}, yang tidak ada di kelompok mana pun",
    "state_shape": "status {key} dari parameter {index} berbentuk {saved}, parameternya {have}",
    "bad_rng": (
        "{name} berisi status pembangkit bilangan acak yang tidak dapat dipakai ({error}). "
        "Tidak ada yang diubah. " + _AGAIN_ID
    ),
    "no_cuda_rng": (
        "{name} berisi status acak CUDA, tetapi mesin ini tidak punya device CUDA; status itu "
        "tidak dipulihkan, sehingga keacakan di sisi GPU akan berbeda."
    ),
}
