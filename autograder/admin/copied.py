"""The demo's pair of students who copied: copied-a solved the exercises honestly, in a style
of its own (not the model answer's), and copied-b handed in copied-a's notebook with the
variables renamed and the comments reworded. The similarity report should rank them first.

ANSWERS holds copied-a's code per solution cell, for the assignments where it was written;
it goes where the release has `# YOUR CODE HERE / raise NotImplementedError()`.
"""
import io
import json
import tokenize

STUB = "    # YOUR CODE HERE\n    raise NotImplementedError()"

# copied-a's answers, by assignment and grade_id: correct, and unlike the model answer.
ANSWERS = {
    "01-convolution": {
        "output_size_solution": """\
    # positions where the window still fits in the padded axis, one every `stride`
    span = n + 2 * pad - f
    return span // stride + 1""",
        "zero_pad_solution": """\
    count, height, width, channels = x.shape
    padded = np.zeros((count, height + 2 * pad, width + 2 * pad, channels), dtype=x.dtype)
    padded[:, pad:pad + height, pad:pad + width, :] = x   # the images go in the middle
    return padded""",
        "conv_single_step_solution": """\
    # multiply the window by the filter, add everything up, then the bias
    total = np.multiply(a_slice, w).sum()
    return float(total) + float(b)""",
        "conv_forward_naive_solution": """\
    count, height, width, _ = x.shape
    fsize, _, _, filters = w.shape
    rows = output_size(height, fsize, stride, pad)
    cols = output_size(width, fsize, stride, pad)
    padded = zero_pad(x, pad)
    out = np.zeros((count, rows, cols, filters), dtype=np.result_type(x, w, b))
    for image in range(count):
        for row in range(rows):
            top = row * stride
            for col in range(cols):
                left = col * stride
                patch = padded[image, top:top + fsize, left:left + fsize, :]
                # all the filters at once: sum over the patch's rows, columns and channels
                out[image, row, col, :] = np.tensordot(patch, w, axes=([0, 1, 2], [0, 1, 2])) + b""",
        "conv_param_count_solution": """\
    per_filter = f * f * c_in + 1      # the weights of one filter and its bias
    return per_filter * c_out""",
    },
    "02-pooling": {
        "pool_forward_naive_solution": """\
    count, height, width, channels = x.shape
    rows = (height - size) // stride + 1
    cols = (width - size) // stride + 1
    out = np.empty((count, rows, cols, channels), dtype=x.dtype)
    for row in range(rows):
        for col in range(cols):
            top, left = row * stride, col * stride
            patch = x[:, top:top + size, left:left + size, :]
            # reduce each window over its rows and columns, every image and channel at once
            if mode == "max":
                out[:, row, col, :] = patch.max(axis=(1, 2))
            else:
                out[:, row, col, :] = patch.mean(axis=(1, 2))""",
        "relu_forward_solution": """\
    # keep the positive entries, zero elsewhere
    out = np.where(x > 0, x, np.zeros_like(x))""",
    },
}

# How copied-b disguised the copy: its own names for copied-a's variables (not the
# parameters, which the release fixes), its own words for the comments.
RENAMED = {"span": "length", "count": "n_img", "height": "h", "width": "w_in", "channels": "n_ch",
           "padded": "xpad", "total": "acc", "fsize": "k", "filters": "n_f", "rows": "h_out",
           "cols": "w_out", "image": "idx", "row": "r", "col": "c", "top": "r0", "left": "c0",
           "patch": "region", "per_filter": "params_one"}
REWORDED = {
    "# positions where the window still fits in the padded axis, one every `stride`":
        "# number of window positions along the axis (with padding)",
    "# the images go in the middle": "# put x inside the zero border",
    "# multiply the window by the filter, add everything up, then the bias": "# product, sum, bias",
    "# all the filters at once: sum over the patch's rows, columns and channels":
        "# tensordot does every output channel in one go",
    "# the weights of one filter and its bias": "# weights + 1 bias per filter",
    "# reduce each window over its rows and columns, every image and channel at once":
        "# pool over axes 1 and 2 for the whole batch",
    "# keep the positive entries, zero elsewhere": "# negatives -> 0",
}


def answered(assignment):
    """Whether copied-a answered the assignment."""
    return assignment in ANSWERS


def honest(release_text, assignment):
    """copied-a's notebook: the release (text of its JSON) with each stub answered."""
    nb = json.loads(release_text)
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in ANSWERS[assignment]:
            cell["source"] = "".join(cell["source"]).replace(STUB, ANSWERS[assignment][grade_id])
    return json.dumps(nb, indent=1)


def disguised(release_text, assignment):
    """copied-b's notebook: copied-a's, its answer cells with the names of RENAMED replaced
    (in code only: strings and docstrings stay) and every comment reworded."""
    nb = json.loads(honest(release_text, assignment))
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") in ANSWERS[assignment]:
            cell["source"] = _rename(cell["source"])
    return json.dumps(nb, indent=1)


def _rename(code):
    """code with the names of RENAMED and the comments replaced, token by token (tokenize finds
    them; edits go right to left along each line, so earlier columns stay true)."""
    lines = code.splitlines(keepends=True)
    edits = [(token.start, token.end, RENAMED[token.string] if token.type == tokenize.NAME else REWORDED[token.string])
             for token in tokenize.generate_tokens(io.StringIO(code).readline)
             if (token.type == tokenize.NAME and token.string in RENAMED) or token.type == tokenize.COMMENT]
    for (row, start), (_, end), text in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:start] + text + line[end:]
    return "".join(lines)
