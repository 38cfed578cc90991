"""The notebook keeps every cell id and variable that the tests read it through (tools/notebook.py)."""

from tools import notebook as nbfile

UNDEFINED = "print(__import__('json').dumps([name for name in {names!r} if name not in globals()]))"


def test_the_notebook_keeps_every_name_of_the_contract(notebook, kernel, twice):
    ids = {cell.id for cell in notebook.cells}
    missing = [f"no cell with id {name!r}: {why}" for name, why in nbfile.CELLS.items() if name not in ids]
    try:
        nbfile.parameters_index(notebook)
    except nbfile.ContractError as error:
        missing.append(str(error))
    undefined = kernel.ask(UNDEFINED.format(names=list(nbfile.VARIABLES)))
    missing += [f"no variable {name!r} after a run: {nbfile.VARIABLES[name]}" for name in undefined]
    assert not missing, "the contract in tools/notebook.py names what is gone:\n" + "\n".join(missing)
