"""How layers print: NEST 3.10.0's strings for these collections (checked live when written)."""

import nestkit.nest as nest


def test_layers_and_their_slices_print_as_nests():
    nest.ResetKernel()
    a = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[5, 5]))
    b = nest.Create("iaf_psc_exp", 3)
    assert repr(a) == "NodeCollection(metadata=spatial, model=iaf_psc_alpha, size=25, first=1, last=25)"
    assert repr(b) == "NodeCollection(metadata=None, model=iaf_psc_exp, size=3, first=26, last=28)"
    indent = " " * len("NodeCollection(")
    assert repr(a[2:5]) == f"NodeCollection(metadata=spatial,\n{indent}model=iaf_psc_alpha, size=3, first=3, last=5)"
    assert (
        repr(a[::2])
        == f"NodeCollection(metadata=spatial,\n{indent}model=iaf_psc_alpha, size=13, first=1, last=25, step=2)"
    )
    assert repr(a[3]) == f"NodeCollection(metadata=spatial,\n{indent}model=iaf_psc_alpha, size=1, first=4, last=4)"
