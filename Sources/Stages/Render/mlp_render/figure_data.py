"""Conventions of the figure-data file shared by the figures and the CSV export: attribute text
(HDF5 strings may come back as bytes), axis labels made from `label`/`unit`, and run lists."""


def text(value):
    """An attribute or string cell as `str` (h5py returns variable-length strings as bytes)."""
    return value.decode() if isinstance(value, bytes) else str(value)


def axis_label(dataset):
    """The axis label of an exported array: its label, with the unit in parentheses if it has one."""
    label, unit = text(dataset.attrs.get("label", "")), text(dataset.attrs.get("unit", ""))
    return f"{label} ({unit})" if unit else label


def runs_of(group):
    """The group's `runs` attribute (comma-separated), keeping only the names it holds, in order."""
    names = text(group.attrs.get("runs", ""))
    return [name for name in names.split(",") if name and name in group]
