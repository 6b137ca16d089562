"""Verbosity, messages, deprecation notices and help."""

import warnings

import pytest


def test_verbosity_level_is_nests_int_enum(nest):
    expected = {
        "ALL": 0,
        "DEBUG": 5,
        "STATUS": 7,
        "INFO": 10,
        "PROGRESS": 15,
        "DEPRECATED": 18,
        "WARNING": 20,
        "ERROR": 30,
        "FATAL": 40,
        "QUIET": 100,
    }
    assert {m.name: int(m) for m in nest.VerbosityLevel} == expected
    assert nest.VerbosityLevel.WARNING > nest.VerbosityLevel.INFO


@pytest.mark.parametrize("form", ["enum", "name", "M_name", "int"])
def test_set_verbosity_accepts_enum_name_and_int(nest, form):
    level = nest.VerbosityLevel.ERROR
    value = {"enum": level, "name": "ERROR", "M_name": "M_ERROR", "int": 30}[form]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nest.set_verbosity(value)
        assert nest.get_verbosity() == 30
    assert nest.verbosity is level
    nest.verbosity = "WARNING"
    assert nest.verbosity is nest.VerbosityLevel.WARNING


def test_bad_verbosity(nest):
    with pytest.raises(ValueError, match="LOUD"), pytest.warns(UserWarning, match="backward compatibility"):
        nest.set_verbosity("LOUD")
    with pytest.raises(nest.NESTErrors.TypeMismatch, match="verbosity"):
        nest.verbosity = 3.5
    assert nest.verbosity is nest.VerbosityLevel.INFO


def test_message_is_filtered_by_verbosity(nest, capsys):
    nest.message("first note")
    nest.message("a warning", nest.VerbosityLevel.WARNING)
    nest.message("hidden debug", nest.VerbosityLevel.DEBUG)
    err = capsys.readouterr().err
    assert "[INFO]" in err and "first note" in err
    assert "[WARNING]" in err and "a warning" in err
    assert "hidden debug" not in err
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.message("quiet now")
    nest.message("still quiet", nest.VerbosityLevel.WARNING)
    nest.message(nest.VerbosityLevel.ERROR, "MySender", "old form")  # message(level, sender, text)
    err = capsys.readouterr().err
    assert "quiet now" not in err and "still quiet" not in err
    assert "[ERROR]" in err and "MySender: old form" in err
    nest.verbosity = nest.VerbosityLevel.ALL
    nest.message("shown debug", nest.VerbosityLevel.DEBUG)
    err = capsys.readouterr().err
    assert "[DEBUG]" in err and "shown debug" in err and "test_info.py" in err


def test_simulate_info_lines_follow_verbosity(nest, capsys):
    nest.Create("iaf_psc_alpha")
    nest.Simulate(1.0)
    err = capsys.readouterr().err
    assert "Simulation finished." in err and "Preparing 1 node for simulation." in err
    nest.verbosity = nest.VerbosityLevel.WARNING
    nest.Simulate(1.0)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_deprecation_warning_once_and_filtered(nest):
    n = nest.Create("iaf_psc_alpha", 2)
    with pytest.warns(UserWarning, match="GetStatus\\(\\) is deprecated"):
        assert nest.GetStatus(n, "I_e") == (0.0, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nest.GetStatus(n, "I_e")  # only the first call warns, as PyNEST
    nest.verbosity = nest.VerbosityLevel.ERROR
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nest.SetStatus(n, {"I_e": 1.0})  # above DEPRECATED: no notice
    assert n.I_e == (1.0, 1.0)


def test_help_prints_a_pointer_without_a_browser(nest, capsys):
    nest.help()
    out = capsys.readouterr().out
    assert "porting.md" in out and "node_models" in out
    nest.helpdesk()
    assert "porting.md" in capsys.readouterr().out
    assert "Create n nodes" in nest.help(nest.Create, return_text=True)
    assert "iaf_psc_alpha" in nest.help("iaf_psc_alpha", return_text=True)
