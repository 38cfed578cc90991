"""What the notebook's learners need not read: the checks its cells call, the figures' format, and the
drawing of its larger pictures.

autodiff_sin.ipynb and autodiff_sin.zh.ipynb import this file from their folder and call set_up() in their
Setup cell. Nothing here teaches autograd: the checks use it only to compare x.grad with a fresh autograd
computation (never with cos, which is the exercise), and the drawing functions get plain arrays. When the
grid, x, y or x.grad is not what the cells need, a check stops the cell with a message that says what to
run, in the notebook's language.
"""

import io
import math
import sys
import sysconfig
import tokenize
import types

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython import get_ipython
from PIL import Image

# Every message, in each edition's language; {names} are filled in where the message is raised.
MESSAGES = {
    "en": {
        "x": "Step 1's cell",
        "y": "Step 3's backward() cell",
        "parameters": "the parameters cell",
        "redo steps": "run {x} and {y} again, or choose Run → Run All Cells",
        "redo x": "run {x} again, then this cell",
        "redo backward": "run {y}",
        "own leaf": "to experiment, use a leaf of your own, x.detach().clone().requires_grad_(True)",
        "made in": "{name} is made in {cell}: run it first, {more}",
        "made above": "if a cell above makes {name}, run it first, {more}; if not, check the spelling",
        "hint scalar": "backward() without arguments starts from a single number: call it on a sum, such as "
        "torch.sin(x_try).sum()",
        "hint numpy": "a tensor that requires grad cannot become a NumPy array (Matplotlib converts what it "
        "plots): use its .detach()",
        "hint second": "the first backward() freed the saved values: call backward() once per result; to go "
        "again, compute it afresh (run its cell again) rather than pass retain_graph=True",
        "hint no grad": "backward() started from a tensor with no graph behind it: compute it with torch "
        "operations, outside torch.no_grad(), from a leaf that requires grad (x_try as the cell's first "
        "line makes it, or a tensor made with requires_grad=True)",
        "hint none": "an argument of plt.plot is None: a .grad before backward() ran, or the .grad of a new "
        "tensor, such as x_try = x_try.detach() makes (detach inside plt.plot(...) instead)",
        "hint grid": "torch.arange cannot make this grid: if it is the parameters cell's, change a value "
        "there, then choose Run → Run All Cells",
        "hint memory": "too many numbers for memory: if this is the grid, make step larger in the parameters "
        "cell, then choose Run → Run All Cells",
        "more": "or every cell above this one (Run → Run All Above Selected Cell)",
        "not yet": "{name} is not defined yet: run {cell}, {more}",
        "bad grid": "{problem}; got {got}: change it in the parameters cell, then choose Run → Run All Cells",
        "dtype": "dtype must be 'float32' or 'float64'",
        "type": "start, stop and step must be Python floats or ints (of size below 2**63)",
        "order": "need step > 0 and start < stop",
        "range": "start and stop must lie within ±{limit:.1e} in {dtype}",
        "tiny": "step must be at least {tiny:.1e}, the smallest normal {dtype}",
        "count": "more than 10**5 points, the most this notebook takes",
        "points": "need two or more finite, distinct points in {dtype}",
        "span": "the points span too little, or lie too close to 0, for a plot to show",
        "x grid": "x is not the grid of the parameters cell (was x assigned anew, or a value changed?): "
        "{redo}",
        "grad mode": "grad mode is off: run torch.set_grad_enabled(True)",
        "x leaf": "x is not a leaf that requires grad: {redo}; {leaf}",
        "y sin": "y is not Step 3's sin(x): {redo}",
        "grad empty": "x.grad is empty: {redo}",
        "grad graph": "x.grad requires grad, as after backward(create_graph=True): {redo}; {leaf}",
        "grad times": "x.grad is {times:g} times the derivative of sin at x, as after another backward() "
        "through x (it adds into x.grad): {redo}; {leaf}",
        "grad zero": "x.grad is all zeros, as after x.grad.zero_(): {redo}; {leaf}",
        "grad other": "x.grad is not the derivative of sin at x, as after a backward() of another function "
        "through x (an exercise done on x; it adds into x.grad): {redo}; {leaf}",
        "mine empty": "x_try.grad is None (backward() fills it)",
        "mine no grad": "it does not require grad (is it x_try.grad, or x_try after detach()?): keep x_try "
        "as the cell's first line makes it, and pass that",
        "mine leaf": "check_mine reads the .grad of a leaf: pass x_try itself (a tensor computed from it, "
        "such as torch.sin(x_try), gets no .grad)",
        "mine right": "its .grad is the derivative of sin at every point: well done",
        "mine cos": " (this cell writes cos: fine to compare with, but the exercise computes the derivative "
        "without it)",
        "mine times": "its .grad is {times:g} times the derivative of sin: backward() reached it {times:g} "
        "times, and each pass adds into .grad. Call backward() once; the cell's first line makes x_try anew "
        "at every run, so keep it",
        "mine zero": "its .grad is all zeros, as after .grad.zero_(): run the cell again (its first line "
        "makes x_try anew)",
        "mine mean": "its .grad is the derivative of sin divided by {n}, the number of points: backward() "
        "started from a mean; start from a sum",
        "mine other": "its .grad is not the derivative of sin (check_mine knows only sin): did "
        "backward() start from torch.sin(...).sum()?",
        "mine via x": "x_try.grad is None: no backward() has reached it. Did your code call backward() on a "
        "result of x, not of x_try?{state}",
        "mine maybe x": "x_try.grad is None (backward() fills it; one on a result of x goes into x.grad, "
        "not here)",
        "mine x": "that is the notebook's x (Step 1's), not x_try: work on x_try.{state}",
        "no climb": "{where}: none, sin climbs nowhere on this grid",
        "no fall": "{where}: none, sin falls nowhere on this grid",
        "same point": "{where} = {i}: the point above, drawn once",
        "x times": " x.grad is now {times:g} times the derivative of sin (every backward() through x adds "
        "into it), and so is any curve drawn from it: run {y}",
        "x zero": " x.grad is all zeros, as after x.grad.zero_(): run {y}",
        "x other": " x.grad is no longer the derivative of sin (a backward() through x adds into it): "
        "run {y}",
    },
    "zh": {
        "x": "第 1 步的单元格",
        "y": "第 3 步调用 backward() 的单元格",
        "parameters": "参数单元格",
        "redo steps": "请依次重新运行{x}和{y}，或者选择 Run → Run All Cells",
        "redo x": "请重新运行{x}，再运行这个单元格",
        "redo backward": "请运行{y}",
        "own leaf": "做实验时请用你自己的叶节点，例如 x.detach().clone().requires_grad_(True)。",
        "made in": "{name} 在{cell}中定义：请先运行它，{more}",
        "made above": "如果上面有单元格定义了 {name}，请先运行它，{more}；否则请检查名字是否拼错",
        "hint scalar": "不带参数的 backward() 要从一个标量出发：请对求和的结果调用它，"
        "例如 torch.sin(x_try).sum()",
        "hint numpy": "需要梯度的张量不能转换成 NumPy 数组（Matplotlib 画图时会做这种转换）："
        "请改用它的 .detach()",
        "hint second": "第一次 backward() 已经释放了保存的张量：每个结果只调用一次 backward()；要再算一遍，"
        "请重新计算结果（重新运行它所在的单元格），而不是加上 retain_graph=True",
        "hint no grad": "调用 backward() 的张量背后没有计算图：它必须由需要梯度的叶节点（单元格第一行创建的 "
        "x_try，或用 requires_grad=True 创建的张量）经 torch 运算算出，而且不能在 torch.no_grad() 中计算",
        "hint none": "plt.plot 的某个参数是 None：可能是 backward() 之前的 .grad，或者是新张量的 .grad，"
        "比如 x_try = x_try.detach() 得到的张量（请改为在 plt.plot(...) 里调用 detach()）",
        "hint grid": "torch.arange 无法生成这个网格：如果这是参数单元格的网格，请在那里修改取值，"
        "再选择 Run → Run All Cells",
        "hint memory": "数太多，内存放不下：如果这是网格，请在参数单元格中把 step 改大，"
        "再选择 Run → Run All Cells",
        "more": "或者运行这个单元格上面的所有单元格（Run → Run All Above Selected Cell）",
        "not yet": "{name} 还没有定义：请运行{cell}，{more}",
        "bad grid": "{problem}；现在是 {got}。请在参数单元格中修改，然后选择 Run → Run All Cells",
        "dtype": "dtype 必须是 'float32' 或 'float64'",
        "type": "start、stop 和 step 必须是 Python 浮点数或整数（绝对值小于 2**63）",
        "order": "需要 step > 0 且 start < stop",
        "range": "在 {dtype} 中，start 和 stop 必须在 ±{limit:.1e} 以内",
        "tiny": "在 {dtype} 中，step 不能小于 {tiny:.1e}（最小的规格化正数）",
        "count": "点数超过 10**5，这是本笔记本能处理的上限",
        "points": "在 {dtype} 中至少需要两个有限且互不相同的点",
        "span": "这些点的跨度太小，或者离 0 太近，图上显示不出来",
        "x grid": "x 与参数单元格设定的网格不一致（是不是给 x 重新赋了值，或者改了参数？）：{redo}",
        "grad mode": "梯度模式已关闭：请运行 torch.set_grad_enabled(True)",
        "x leaf": "x 不再是需要梯度的叶节点：{redo}。{leaf}",
        "y sin": "y 不是第 3 步算出的 sin(x)：{redo}",
        "grad empty": "x.grad 还是空的（None）：{redo}",
        "grad graph": "x.grad 本身需要梯度（通常是因为调用了 backward(create_graph=True)）。{redo}。{leaf}",
        "grad times": "x.grad 变成了 sin 导数的 {times:g} 倍，很可能是又对由 x 算出的张量调用了 "
        "backward()（梯度会累积）。{redo}。{leaf}",
        "grad zero": "x.grad 全是 0，通常是因为调用了 x.grad.zero_()。{redo}。{leaf}",
        "grad other": "x.grad 不再是 sin 的导数，很可能是做练习时直接用了 x"
        "（对另一个函数的结果调用 backward()，梯度也流回了 x 并累积）。{redo}。{leaf}",
        "mine empty": "x_try.grad 是 None（backward() 会填入它）",
        "mine no grad": "传给 check_mine 的张量不需要梯度（是不是传入了 x_try.grad，"
        "或者 detach() 之后的 x_try？）：请直接传入第一行创建的 x_try",
        "mine leaf": "check_mine 读取的是叶节点的 .grad：请传入 x_try 本身；由它算出的张量"
        "（如 torch.sin(x_try)）没有 .grad",
        "mine right": "做对了：这个张量的 .grad 正是 sin 在每个点处的导数",
        "mine cos": "（这个单元格里写了 cos：用来对照可以，但练习要求求导时不用它）",
        "mine times": "这个张量的 .grad 是 sin 导数的 {times:g} 倍：对它做了 {times:g} 次反向传播，"
        "每次都累积到 .grad 中。请只调用一次 backward()；单元格的第一行每次运行都会重新创建 x_try，请保留它",
        "mine zero": "这个张量的 .grad 全是 0，像是调用了 .grad.zero_()：请重新运行这个单元格"
        "（第一行会重新创建 x_try）",
        "mine mean": "这个张量的 .grad 是 sin 的导数除以点数 {n}：你对 .mean() 的结果调用了 backward()，"
        "请改用 .sum()",
        "mine other": "这个张量的 .grad 不是 sin 的导数（check_mine 只能检查 sin 的导数）："
        "backward() 是从 torch.sin(...).sum() 出发的吗？",
        "mine via x": "x_try.grad 是 None：反向传播没有到达它。你的代码是不是对由 x（而不是 x_try）"
        "算出的结果调用了 backward()？{state}",
        "mine maybe x": "x_try.grad 是 None（backward() 会填入它；对用 x 算出的结果调用 backward()，"
        "梯度会进入 x.grad，而不是这里）",
        "mine x": "这是笔记本的 x（第 1 步创建的），不是 x_try：请改用 x_try。{state}",
        "no climb": "{where}：没有，这个网格上 sin 没有上升的地方",
        "no fall": "{where}：没有，这个网格上 sin 没有下降的地方",
        "same point": "{where} = {i}：与上面的点相同，只画一次",
        "x times": "x.grad 现在是 sin 导数的 {times:g} 倍（每次对由 x 算出的结果调用 backward()，"
        "梯度都会累积到它上面），由它画出的曲线也是如此：请运行{y}",
        "x zero": "x.grad 全是 0，通常是因为调用了 x.grad.zero_()：请运行{y}",
        "x other": "x.grad 已经不再是 sin 的导数（对由 x 算出的结果调用 backward()，"
        "梯度会累积到它上面）：请运行{y}",
    },
}
say = MESSAGES["en"]  # set_up() chooses the edition's
# Colours told apart with any colour vision and in grayscale (Okabe and Ito); plain plt.plot uses them too.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
PARAMETERS = ("start", "stop", "step", "dtype")  # the names the parameters cell sets, in check_grid's order
HINTS = {  # the first errors a learner meets, by words of their message, and the note on each
    "grad can be implicitly created only for scalar outputs": "hint scalar",
    "Can't call numpy() on Tensor that requires grad": "hint numpy",
    "Trying to backward through the graph a second time": "hint second",
    "does not require grad and does not have a grad_fn": "hint no grad",
    "x, y, and format string must not be None": "hint none",
    "inconsistent with step sign": "hint grid",
    "step must be nonzero": "hint grid",
    "unsupported range": "hint grid",
    "invalid size, possible overflow": "hint grid",
    "Storage size calculation overflowed": "hint grid",
    "cannot be represented as a SymInt": "hint grid",
    "can't allocate memory": "hint memory",  # PyTorch's allocator on Linux and macOS
    "not enough memory": "hint memory",  # and on Windows
}


def set_up(language):
    """The messages in `language` ("en" or "zh"), notes on a NameError and on HINTS, and sharp figures."""
    global say
    say = MESSAGES[language]
    shell = get_ipython()
    shell.set_custom_exc((NameError, RuntimeError, ValueError), say_what_to_run)
    plt.rcParams.update({"figure.figsize": (6.4, 3.4), "figure.subplot.bottom": 0.14})
    plt.rcParams["axes.prop_cycle"] = plt.cycler(color=OKABE_ITO)  # the colours of the notebook's pictures
    shell.display_formatter.formatters["image/png"].type_printers[plt.Figure] = sharp_small_png


def sharp_small_png(fig):
    """Figures drawn at twice the pixel density, for high-density screens, stored in 64 colours."""
    pixels, stored = io.BytesIO(), io.BytesIO()
    fig.savefig(pixels, format="raw", dpi=2 * fig.dpi)  # RGBA values, not yet a PNG
    width, height = (round(inches * 2 * fig.dpi) for inches in fig.get_size_inches())
    image = Image.frombytes("RGBA", (width, height), pixels.getvalue()).convert("RGB")
    image = image.quantize(64, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    image.save(stored, format="png")
    return stored.getvalue(), {"width": width // 2, "height": height // 2}


def say_what_to_run(shell, kind, error, traceback, tb_offset=None):
    """IPython calls this on a NameError, RuntimeError or ValueError: its usual report, with a note on where
    a missing name is made, or on the fix of one of HINTS' errors."""
    if kind is NameError and error.name in PARAMETERS + ("x", "y"):
        error.add_note(text("made in", name=error.name, cell=made_in(error.name)))
    elif kind is NameError and error.name:  # not an UnboundLocalError
        error.add_note(text("made above", name=error.name))
    elif hint := next((key for words, key in HINTS.items() if words in str(error)), None):
        error.add_note(text(hint))
        if plt.get_fignums() and not any(ax.has_data() for ax in plt.gcf().axes):
            plt.close()  # the empty figure that a failed plt.plot leaves: not shown
        shell.showtraceback((kind, error, learners_frames(traceback)), tb_offset=0)
        sys.last_traceback = traceback  # %debug still steps into PyTorch
        return
    shell.showtraceback((kind, error, traceback), tb_offset=tb_offset)


STDLIB = sysconfig.get_paths()["stdlib"]


def learners_frames(traceback):
    """A copy of the traceback from the first frame of the learner's code (a cell, or this file) to the last:
    IPython's frames before it and PyTorch's or Matplotlib's after it are left out, so that the note on
    the fix comes right under the learner's line. The frames between are kept."""

    def library(frame):
        name = frame.tb_frame.f_code.co_filename
        return name.startswith(STDLIB) or "site-packages" in name or "dist-packages" in name

    frames = []
    while traceback:
        frames.append(traceback)
        traceback = traceback.tb_next
    learners = [i for i, frame in enumerate(frames) if not library(frame)] or [0, len(frames) - 1]
    copy = None
    for frame in reversed(frames[learners[0] : learners[-1] + 1]):
        copy = types.TracebackType(copy, frame.tb_frame, frame.tb_lasti, frame.tb_lineno)
    return copy


def text(key, **values):
    """The message `key` in the notebook's language, its {names} filled in."""
    shared = {"x": say["x"], "y": say["y"], "more": say["more"]}
    return say[key].format(**shared | values)


def refusal(kind, message):
    """An error the notebook shows as its message alone, without a traceback through this file."""
    error = kind(message)
    error._render_traceback_ = lambda: [f"{kind.__name__}: {message}"]  # IPython's hook: no traceback
    return error


def made_in(name):
    """The cell that makes the notebook's variable `name`, as the messages name it."""
    return say["parameters" if name in PARAMETERS else name]


def notebook(name):
    """A variable of the notebook, or a NameError that names the cell that makes it."""
    variables = get_ipython().user_ns
    if name not in variables:
        raise refusal(NameError, text("not yet", name=name, cell=made_in(name)))
    return variables[name]


def check_grid(start, stop, step, dtype):
    """The grid's points, if the cells can use them, or a ValueError that names what to change."""

    def refuse(problem, **values):
        got = f"{start=}, {stop=}, {step=}, {dtype=}"
        return refusal(ValueError, text("bad grid", problem=text(problem, **values), got=got))

    if dtype not in ("float32", "float64"):
        raise refuse("dtype")
    if not all(isinstance(v, float) or type(v) is int and abs(v) < 2**63 for v in (start, stop, step)):
        raise refuse("type")
    if not (step > 0 and stop > start):  # False for a NaN too
        raise refuse("order")
    info = torch.finfo(getattr(torch, dtype))
    if not max(abs(start), abs(stop)) <= info.max / 100:  # beyond it, the plots overflow
        raise refuse("range", limit=info.max / 100, dtype=dtype)
    if step < info.tiny:
        raise refuse("tiny", tiny=info.tiny, dtype=dtype)
    if (float(stop) - float(start)) / step > 10**5:  # in floats, as arange counts
        raise refuse("count")
    points = torch.arange(start, stop, step, dtype=getattr(torch, dtype))
    if len(points) < 2 or not (points.isfinite().all() and (points.diff() > 0).all()):
        raise refuse("points", dtype=dtype)
    low, high = points[0].item(), points[-1].item()  # what a plot can show
    if high - low <= 1e-12 * max(abs(low), abs(high)) or max(abs(low), abs(high)) < 1e-286:
        raise refuse("span")
    return points


def check_x(redo="redo steps"):
    """x is Step 1's: the parameters cell's grid, a leaf that requires grad; else `redo` says what to run."""
    grid = check_grid(*map(notebook, PARAMETERS))
    x = notebook("x")
    if not (isinstance(x, torch.Tensor) and x.dtype == grid.dtype and torch.equal(x.detach(), grid)):
        raise refusal(RuntimeError, text("x grid", redo=text(redo)))
    if not torch.is_grad_enabled():
        raise refusal(RuntimeError, text("grad mode"))
    if not (x.is_leaf and x.requires_grad):
        raise refusal(RuntimeError, text("x leaf", redo=text(redo), leaf=say["own leaf"]))


def check_steps():
    """x is Step 1's, y is sin(x) and x.grad its derivative, as Step 3 left them: compared with a fresh
    autograd computation, the exercise's own method."""
    check_x()
    x, y = notebook("x"), notebook("y")
    grad, redo = x.grad, {"redo": text("redo backward"), "leaf": say["own leaf"]}
    sin_node = isinstance(y, torch.Tensor) and y.grad_fn is not None and y.grad_fn.name() == "SinBackward0"
    if not (sin_node and torch.equal(y.detach(), torch.sin(x.detach()))):
        raise refusal(RuntimeError, text("y sin", **redo))
    if grad is None:
        raise refusal(RuntimeError, text("grad empty", **redo))
    if grad.requires_grad:
        raise refusal(RuntimeError, text("grad graph", **redo))
    kind, times = how_wrong(grad, sin_derivative(x))
    if kind:
        raise refusal(RuntimeError, text(f"grad {kind}", times=times, **redo))


def sin_derivative(t):
    """The derivative of sin at t, by a fresh autograd computation on a copy: the exercise's own method."""
    fresh = t.detach().clone().requires_grad_(True)
    torch.sin(fresh).sum().backward()
    return fresh.grad


def multiple(grad, right):
    """n, if grad is n >= 2 times the right derivative, as after n backward() passes; else None."""
    times = (grad / right).mean().round().item()
    return times if times >= 2 and torch.allclose(grad, times * right) else None


def how_wrong(grad, right):
    """(None, None) if grad is the derivative `right`; else ("times", n), ("zero", None) or ("other", None),
    the end of a message key: the one classification behind check_steps, check_mine and x_grad_state."""
    if torch.equal(grad, right):
        return None, None
    if times := multiple(grad, right):
        return "times", times
    return ("other" if grad.any() else "zero"), None


def x_grad_state(x):
    """What a backward() through x did to x.grad, as the end of a sentence; "" while it is right or empty."""
    if x.grad is None or x.grad.shape != x.shape or x.grad.requires_grad:
        return ""
    kind, times = how_wrong(x.grad, sin_derivative(x))
    return text(f"x {kind}", times=times) if kind else ""


def check_mine(x_try):
    """Feedback on the try-it, printed: ✔ if the .grad of x_try (or of any leaf) is the derivative of sin,
    else ✘ and what went wrong; first, that x is the parameters cell's grid."""
    try:
        check_x(redo="redo x")  # the try-it needs Step 1's x, not Step 3's x.grad
    except RuntimeError as error:
        print("✘ " + str(error))
        return
    print(mine(x_try, notebook("x")))


def mine(x_try, x):
    if x_try is x:
        return "✘ " + text("mine x", state=x_grad_state(x))
    if not (isinstance(x_try, torch.Tensor) and x_try.is_leaf):
        return "✘ " + text("mine leaf")
    if not x_try.requires_grad:
        return "✘ " + text("mine no grad")
    grad = x_try.grad
    if grad is None:  # nothing reached x_try: the learner's code may have used x, surely if x.grad is wrong
        if x.grad is None:
            return "○ " + text("mine empty")  # the stored output, before the learner's code: not yet wrong
        state = x_grad_state(x)
        return ("✘ " + text("mine via x", state=state)) if state else ("○ " + text("mine maybe x"))
    right = sin_derivative(x_try)
    eps = torch.finfo(right.dtype).eps  # values only: a float64 path, or any method as exact, passes
    if torch.allclose(grad, right, rtol=2 * eps, atol=eps * right.abs().max().item()):  # atol at sin's scale
        return "✔ " + text("mine right") + (text("mine cos") if writes_cos() else "")
    kind, times = how_wrong(grad, right)
    if kind == "other" and torch.allclose(grad * grad.numel(), right):
        kind = "mean"
    return "✘ " + text(f"mine {kind}", times=times, n=grad.numel())


def writes_cos():
    """Whether the cell running now names cos in its code (comments and strings aside)."""
    code = get_ipython().user_ns.get("In", [""])[-1]
    try:
        return any(t.string == "cos" for t in tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return False


# The pictures that take more than a plt.plot: drawing only, nothing more about autograd.


def draw_tangents(grid, sin_values, slopes, step):
    """sin and its derivative, and at up to three points, where sin climbs fastest, falls fastest and is
    flattest, the tangent with slope x.grad[i] and a dotted line from the point to that slope; each printed.
    """
    candidates = {  # printed as code, the same in every language
        "x.grad.argmax()": np.argmax(slopes),  # where sin climbs fastest
        "x.grad.argmin()": np.argmin(slopes),  # falls fastest
        "x.grad.abs().argmin()": np.argmin(abs(slopes)),  # flattest; last: a steep point keeps its name
    }
    picked, left_out = {}, []  # each point once, and only where its name is true; the others said
    for where, i in candidates.items():
        fits = {"x.grad.argmax()": slopes[i] > 0, "x.grad.argmin()": slopes[i] < 0}.get(where, True)
        if fits and i not in picked.values():
            picked[where] = int(i)
        else:
            why = "same point" if fits else ("no climb" if where == "x.grad.argmax()" else "no fall")
            left_out.append(text(why, where=where, i=i))

    fig, ax = plt.subplots()
    ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
    ax.plot(grid, sin_values, "-", color="#0072B2", linewidth=2, label="f(x) = sin(x)")
    ax.plot(grid, slopes, "--", color="#E69F00", linewidth=2, label="df/dx = x.grad")
    half_width = min(0.05 * (grid[-1] - grid[0]), 0.5)
    # x with enough decimals to tell neighbouring points apart; on fine or huge grids, significant digits
    digits = max(0, math.ceil(-math.log10(step))) + 1
    largest = max(abs(grid[0]), abs(grid[-1]))
    significant = max(3, min(17, math.ceil(math.log10(largest / step)) + 1))
    x_format = f"z.{digits}f" if digits <= 6 and largest < 1e6 else f".{significant}g"
    names = {where: f"{where} = {i}" for where, i in picked.items()}  # printed in columns, however long
    values = {where: f"x[{i}] = {grid[i]:{x_format}}" for where, i in picked.items()}
    widths = max(26, *map(len, names.values())), max(14, *map(len, values.values()))
    for where, i in picked.items():
        ends = np.array([-half_width, half_width])  # on both sides, past the grid's end if need be
        ax.plot(grid[i] + ends, sin_values[i] + slopes[i] * ends, "k-", linewidth=1.5)
        ax.plot([grid[i], grid[i]], [sin_values[i], slopes[i]], ":", color="0.4", linewidth=1.2)
        ax.plot(grid[i], sin_values[i], "o", color="#0072B2", markeredgecolor="k", markersize=6)
        ax.plot(grid[i], slopes[i], "s", color="#E69F00", markeredgecolor="k", markersize=6)
        print(f"{names[where]:<{widths[0]}}  {values[where]:<{widths[1]}}  x.grad[{i}] = {slopes[i]:+.3f}")
    for line in left_out:
        print(line)
    ax.plot([], [], "ko-", markerfacecolor="#0072B2", linewidth=1.5, label="sin(x[i]) + x.grad[i]·(x − x[i])")
    ax.plot([], [], "s", color="#E69F00", markeredgecolor="k", label="x.grad[i]")
    ax.set(xlabel="x")
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.14, top=0.88)
    fig.legend(loc="upper center", ncols=4, frameon=False, fontsize="small")
    plt.show()


def draw_sin_squared_graph(names):
    """The graph of s_g = sum(sin(x_g) ** 2): the tensors and the forward pass on top, below them the
    nodes `names` (leaf first) and the backward pass, each backward arrow labelled with its gradient."""
    fig, ax = plt.subplots(figsize=(6.4, 2.1))
    fig.subplots_adjust(0, 0, 1, 1)
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.axis("off")
    column = [0.09, 0.35, 0.61, 0.85]
    tensors = ["x_g", "sin(x_g)", "sin(x_g)**2", "s_g"]
    carried = ["1", "2 sin(x_g)", "2 sin(x_g) sin′(x_g)"]  # the gradient on each backward arrow
    style = dict(ha="center", va="center", family="monospace", fontsize="small")
    tensor_box = dict(boxstyle="round", facecolor="#DCEAF7", edgecolor="#0072B2")
    node_box = dict(boxstyle="round", facecolor="0.93", edgecolor="0.3")
    forward = dict(arrowstyle="-|>", color="#0072B2", linewidth=1.5, shrinkA=4, shrinkB=4)
    backward = dict(forward, color="#D55E00", linestyle="--")
    top, bottom = [], []
    for k, (tensor, name) in enumerate(zip(tensors, names, strict=True)):
        top.append(ax.text(column[k], 0.85, tensor, **style, bbox=tensor_box))
        bottom.append(ax.text(column[k], 0.35, name, **style, bbox=node_box))
        ax.plot([column[k]] * 2, [0.46, 0.74], ":", color="0.6")
    for k in range(1, len(column)):  # arrows from box edge to box edge
        ax.annotate("", (0, 0.5), (1, 0.5), top[k], top[k - 1], arrowprops=forward)
        ax.annotate("", (1, 0.5), (0, 0.5), bottom[k - 1], bottom[k], arrowprops=backward)
        ax.text(
            (column[k] + column[k - 1]) / 2, 0.42, carried[len(column) - 1 - k], ha="center", fontsize="small"
        )
    ax.annotate("", (1, 0.5), (0.99, 0.35), bottom[-1], "data", arrowprops=backward)  # ds/ds = 1 enters
    ax.text(0.97, 0.42, "ds/ds = 1", ha="right", fontsize="small")
    ax.annotate("", (column[0], 0.14), (0.5, 0), "data", bottom[0], arrowprops=backward)
    ax.text(column[0], 0.07, "x_g.grad", **style)
    ax.text(
        0.99, 0.97, "s_g = (torch.sin(x_g) ** 2).sum()", **style | dict(ha="right", va="top", color="#0072B2")
    )
    ax.text(0.99, 0.03, "s_g.backward()", **style | dict(ha="right", va="bottom", color="#D55E00"))
    plt.show()
