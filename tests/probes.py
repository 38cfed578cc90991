"""Questions the tests ask the kernel after running the notebook, as plain functions.

Each probe's parameters are names of the notebook's own variables: `NotebookKernel.ask` sends the
function's source to the kernel and calls it with the kernel's objects of those names, so the probe
reads what the notebook computed without leaving any name of its own behind. Being real functions,
they are linted like the rest. Their annotations
are strings, so the kernel never evaluates them.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the annotations are strings: the kernel evaluates none of them
    import torch
    from matplotlib.axes import Axes


def derivative_numbers(x: "torch.Tensor", d2y: "torch.Tensor") -> dict:
    """The notebook's derivatives against references computed here (cos and -sin in float64, central
    differences), not against the notebook's own checks, which a wrong notebook could also get wrong."""
    import torch

    grid = x.detach()
    return {
        "dtype": str(x.dtype).removeprefix("torch."),
        "eps": torch.finfo(x.dtype).eps,
        "x_max": grid.abs().max().item(),
        "grad_vs_cos": (x.grad.double() - torch.cos(grid.double())).abs().max().item(),
        "second_vs_minus_sin": (d2y.double() + torch.sin(grid.double())).abs().max().item(),
        "central_difference_error": {
            h: ((torch.sin(grid + h) - torch.sin(grid - h)) / (2 * h) - x.grad).abs().max().item()
            for h in (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7)
        },
    }


def plotted_lines(x: "torch.Tensor", ax: "Axes") -> list:
    """What the axes `ax` of the plot cell show: for each curve over the grid, whether it is sin or x.grad."""
    import torch

    grid, gradient, sine = x.detach().numpy(), x.grad.numpy(), torch.sin(x.detach()).numpy()
    return [
        {
            "label": line.get_label(),
            "x_is_grid": bool((line.get_xdata() == grid).all()),
            "y_is_x_grad": bool((line.get_ydata() == gradient).all()),
            "y_is_sin": bool((line.get_ydata() == sine).all()),
        }
        for line in ax.lines
        if len(line.get_xdata()) == len(grid)
    ]


def preload() -> None:
    """Import what the notebook imports, and the parts of PyTorch it loads on first use.

    A backward() given `gradient=` loads sympy and torch.func's vmap loads torch._dynamo: about a second
    that the shared kernel spends while nbval runs the notebook in its own kernel on the other core.
    """
    import matplotlib.pyplot  # noqa: F401
    import torch

    t = torch.zeros(1, requires_grad=True)
    torch.sin(t).backward(gradient=torch.ones_like(t))
    torch.func.vmap(torch.func.grad(torch.sin))(t.detach())
