"""The data behind every panel as CSV: DIR/csv/<panel>.csv for every group of the figure-data file
that directly holds arrays, numbers written exactly (17 significant digits)."""
import csv
import os

import h5py

from mlp_render.figure_data import text


def panels(group, prefix=""):
    """Every group that directly holds arrays, with a file-name stem made from its path. The arrays
    come in the group's `arrays` attribute order, then the others sorted by name."""
    arrays = [key for key in group if isinstance(group[key], h5py.Dataset)]
    written = [key for key in text(group.attrs.get("arrays", "")).split(",") if key in arrays]
    arrays = written + sorted(set(arrays) - set(written))
    if arrays:
        yield prefix, group, arrays
    for key in group:
        if isinstance(group[key], h5py.Group):
            yield from panels(group[key], f"{prefix}_{key}" if prefix else key)


def write_all_csv(data, directory):
    """DIR/csv/<panel>.csv for every panel of the open figure-data file; returns the paths."""
    written = []
    for stem, group, arrays in panels(data):
        path = os.path.join(directory, "csv", f"{stem}.csv")
        write_csv(path, group, arrays)
        written.append(path)
    return written


def write_csv(path, group, arrays):
    """One column per 1-D array, one per column of a 2-D array; shorter columns end early (empty cells).

    The first lines, starting with '#', give the group's title, then each array's label, unit and
    description."""
    columns, header, notes = [], [], []
    for key in arrays:
        data = group[key][...]
        attrs = group[key].attrs
        notes.append(f"# {key}: {text(attrs.get('label', ''))} [{text(attrs.get('unit', '')) or 'dimensionless'}] "
                     f"{text(attrs.get('description', ''))}")
        if data.ndim == 1:
            columns.append(data)
            header.append(key)
        else:
            for j in range(data.shape[1]):
                columns.append(data[:, j])
                header.append(f"{key}[{j}]")
    rows = max((len(c) for c in columns), default=0)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write(f"# {text(group.attrs.get('title', ''))}\n")
        for note in notes:
            handle.write(note + "\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for i in range(rows):
            writer.writerow([cell(c[i]) if i < len(c) else "" for c in columns])


def cell(value):
    """A CSV cell: numbers with 17 significant digits (exact round trip), strings as text."""
    return text(value) if isinstance(value, (bytes, str)) else format(value, ".17g")
