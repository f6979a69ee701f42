"""Source edits as LibCST transforms, located by line.

Each transform takes the module's source, the 1-based ``line`` the diagnosis points at and the
edit's arguments, and returns the new source — or raises ``Refused`` with the reason, leaving
the code unchanged (LibCST codemods' "skip with a warning"). A transform edits only what it
was asked to; everything else, comments and formatting included, comes back byte for byte.

Transforms (``Edit.transform``):

* ``wrap_argument`` — wrap one argument of the call on the line:
  ``template`` (``"np.expand_dims({}, axis=0)"``), ``method`` (the call's name, e.g.
  ``predict``; empty: the data call of that line), ``position`` or ``keyword``.
* ``set_keyword`` — set (or add) ``keyword=value`` in the call named ``call`` on the line.
* ``replace_string`` — replace the string literal ``old`` by ``new`` on the line.
* ``insert_before_call`` — in the list or call arguments on the line (e.g. a ``Sequential``
  list), insert ``element`` before the first element that is a call named ``before``.
* ``rename_name`` — rename the one name ``old`` on the line (a called class or function,
  ``losses.SparseCategoricalCrossentropy`` -> ``losses.CategoricalCrossentropy``) to ``new``.
* ``replace_expression`` — replace the one expression written ``old`` on the line (e.g. a
  hard-coded size ``7 * 7 * 64``) by ``new``.
* ``replace_number`` — replace the one integer literal ``old`` on the line by the expression
  ``new``.
* ``wrap_name`` — wrap the one reference to the variable ``name`` on the line in ``template``
  (keywords and attribute names are not references).
* ``add_import`` — make sure ``import {module} as {alias}`` exists (added after the last
  top-level import).
* ``rename_keyword`` — in the call named ``call`` on the line, rename ``old=`` to ``new=``
  (the value is kept); refused when ``new=`` is already given.
* ``drop_keyword`` — remove ``keyword=...`` from the call named ``call`` on the line.
* ``replace_call`` — replace the whole call named ``call`` on the line by the expression
  ``new`` (``save_model(m, d, save_format="tf")`` -> ``m.export(d)``).
* ``insert_statement`` — insert the simple statement ``statement`` on its own line before
  the statement on the line, in the same block and indentation.
* ``add_decorator`` — put ``@decorator`` first on the ``class``/``def`` named ``name`` that
  starts on the line (a no-op refusal when it already has it).
* ``move_into_block`` — move the simple statement on the line into the ``with`` statement
  that starts on line ``target`` (a later statement of the same block), as its first statement.
* ``wrap_element`` — in the call named ``method`` on the line, the argument ``keyword`` (or
  ``position``) must be a tuple or list literal (``validation_data=(x_val, y_val)``): wrap its
  element ``index`` in ``template``.
* ``insert_statement_before`` — insert the one-line ``statement`` before the statement on the
  line, at its indentation (the comments above it stay above both).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


class Refused(Exception):
    """The edit cannot be made safely; the message says why."""


def _call_name(call: cst.Call) -> str:
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return ""


class _OnLine(cst.CSTTransformer):
    """Base: visit the nodes whose span covers ``line``."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.done = 0

    def covers(self, node: cst.CSTNode) -> bool:
        pos = self.get_metadata(PositionProvider, node)
        return bool(pos.start.line <= self.line <= pos.end.line)


class _WrapArgument(_OnLine):
    def __init__(self, line: int, template: str, method: str, position: int | None,
                 keyword: str | None, module: cst.Module) -> None:
        super().__init__(line)
        self.template, self.method = template, method
        self.position, self.keyword, self.module = position, keyword, module

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.done or not self.covers(original):
            return updated
        if self.method and _call_name(original) != self.method:
            return updated
        args = list(updated.args)
        index = None
        if self.keyword is not None:
            index = next((i for i, a in enumerate(args)
                          if a.keyword is not None and a.keyword.value == self.keyword), None)
        if index is None and self.position is not None:
            positional = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
            if self.position < len(positional):
                index = positional[self.position]
        if index is None:
            return updated
        old = self.module.code_for_node(args[index].value)
        new_value = cst.parse_expression(self.template.format(old))
        args[index] = args[index].with_changes(value=new_value)
        self.done += 1
        return updated.with_changes(args=args)


class _SetKeyword(_OnLine):
    def __init__(self, line: int, call: str, keyword: str, value: str,
                 position: int | None) -> None:
        super().__init__(line)
        self.call, self.keyword, self.value = call, keyword, cst.parse_expression(value)
        self.position = position

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.done or not self.covers(original) or _call_name(original) != self.call:
            return updated
        args = list(updated.args)
        positional = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
        for i, arg in enumerate(args):
            if arg.keyword is not None and arg.keyword.value == self.keyword:
                args[i] = arg.with_changes(value=self.value)
                break
        else:
            if self.position is not None and self.position < len(positional):
                # the same parameter given positionally, e.g. Dense(10)
                i = positional[self.position]
                args[i] = args[i].with_changes(value=self.value)
                self.done += 1
                return updated.with_changes(args=args)
            if args:
                args[-1] = args[-1].with_changes(comma=cst.Comma(
                    whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(cst.Arg(value=self.value, keyword=cst.Name(self.keyword),
                                equal=cst.AssignEqual(
                                    whitespace_before=cst.SimpleWhitespace(""),
                                    whitespace_after=cst.SimpleWhitespace(""))))
        self.done += 1
        return updated.with_changes(args=args)


class _ReplaceString(_OnLine):
    def __init__(self, line: int, old: str, new: str) -> None:
        super().__init__(line)
        self.old, self.new = old, new

    def leave_SimpleString(self, original: cst.SimpleString,
                           updated: cst.SimpleString) -> cst.BaseExpression:
        if not self.covers(original):
            return updated
        try:
            value = original.evaluated_value
        except Exception:
            return updated
        if value != self.old:
            return updated
        self.done += 1
        quote = original.quote
        return updated.with_changes(value=f"{original.prefix}{quote}{self.new}{quote}")


class _InsertBeforeCall(_OnLine):
    def __init__(self, line: int, element: str, before: str) -> None:
        super().__init__(line)
        self.element, self.before = cst.parse_expression(element), before

    def leave_List(self, original: cst.List, updated: cst.List) -> cst.BaseExpression:
        if self.done:
            return updated
        elements = list(updated.elements)
        for i, (orig, element) in enumerate(zip(original.elements, elements, strict=True)):
            value = element.value
            if isinstance(value, cst.Call) and _call_name(value) == self.before and \
                    self.covers(orig):
                # Separate the new element the way the list separates its elements: the
                # comma of the element before it carries the newline and indentation.
                previous = elements[i - 1].comma if i > 0 else cst.MaybeSentinel.DEFAULT
                comma = previous if isinstance(previous, cst.Comma) else \
                    cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                elements.insert(i, cst.Element(value=self.element, comma=comma))
                self.done += 1
                return updated.with_changes(elements=elements)
        return updated


class _RenameKeyword(_OnLine):
    def __init__(self, line: int, call: str, old: str, new: str) -> None:
        super().__init__(line)
        self.call, self.old, self.new = call, old, new

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.done or not self.covers(original) or _call_name(original) != self.call:
            return updated
        names = [a.keyword.value for a in updated.args if a.keyword is not None]
        if self.old not in names or self.new in names:
            return updated
        args = [a.with_changes(keyword=cst.Name(self.new))
                if a.keyword is not None and a.keyword.value == self.old else a
                for a in updated.args]
        self.done += 1
        return updated.with_changes(args=args)


class _DropKeyword(_OnLine):
    def __init__(self, line: int, call: str, keyword: str) -> None:
        super().__init__(line)
        self.call, self.keyword = call, keyword

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.done or not self.covers(original) or _call_name(original) != self.call:
            return updated
        args = list(updated.args)
        index = next((i for i, a in enumerate(args)
                      if a.keyword is not None and a.keyword.value == self.keyword), None)
        if index is None:
            return updated
        removed = args.pop(index)
        if args and index == len(args):
            # the last argument went: the one before it takes its trailing comma (or none)
            args[-1] = args[-1].with_changes(comma=removed.comma)
        self.done += 1
        return updated.with_changes(args=args)


class _ReplaceCall(_OnLine):
    def __init__(self, line: int, call: str, new: str) -> None:
        super().__init__(line)
        self.call, self.new = call, cst.parse_expression(new)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.done or not self.covers(original) or _call_name(original) != self.call:
            return updated
        self.done += 1
        return self.new


class _RenameName(_OnLine):
    def __init__(self, line: int, old: str, new: str) -> None:
        super().__init__(line)
        self.old, self.new = old, new
        self.keywords: set[int] = set()  # ``f(old=1)``: a keyword, not a reference to ``old``

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.keywords.add(id(node.keyword))

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if original.value != self.old or id(original) in self.keywords or \
                not self.covers(original):
            return updated
        self.done += 1
        return updated.with_changes(value=self.new)


class _WrapElement(_OnLine):
    def __init__(self, line: int, template: str, method: str, position: int | None,
                 keyword: str | None, index: int, module: cst.Module) -> None:
        super().__init__(line)
        self.template, self.method, self.index = template, method, index
        self.position, self.keyword, self.module = position, keyword, module

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.done or not self.covers(original) or _call_name(original) != self.method:
            return updated
        args = list(updated.args)
        found = None
        if self.keyword is not None:
            found = next((i for i, a in enumerate(args)
                          if a.keyword is not None and a.keyword.value == self.keyword), None)
        if found is None and self.position is not None:
            positional = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
            if self.position < len(positional):
                found = positional[self.position]
        if found is None:
            return updated
        value = args[found].value
        if not isinstance(value, (cst.Tuple, cst.List)):
            return updated
        elements = list(value.elements)
        if not 0 <= self.index < len(elements) or \
                isinstance(elements[self.index], (cst.StarredElement,)):
            return updated
        element = elements[self.index]
        old = self.module.code_for_node(element.value)
        elements[self.index] = element.with_changes(
            value=cst.parse_expression(self.template.format(old)))
        args[found] = args[found].with_changes(value=value.with_changes(elements=elements))
        self.done += 1
        return updated.with_changes(args=args)


class _InsertStatementBefore(_OnLine):
    def __init__(self, line: int, statement: str) -> None:
        super().__init__(line)
        self.statement = statement

    def _insert(self, original: Sequence[cst.BaseStatement],
                updated: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement] | None:
        # positions are known for the original nodes; the updated body keeps their order
        for i, (orig, statement) in enumerate(zip(original, updated, strict=True)):
            if isinstance(orig, cst.SimpleStatementLine) and self.covers(orig) and \
                    isinstance(statement, cst.SimpleStatementLine):
                new = cst.parse_statement(self.statement.strip() + "\n")
                new = new.with_changes(leading_lines=statement.leading_lines)
                out = list(updated)
                out[i:i + 1] = [new, statement.with_changes(leading_lines=())]
                self.done += 1
                return out
        return None

    def leave_IndentedBlock(self, original: cst.IndentedBlock,
                            updated: cst.IndentedBlock) -> cst.BaseSuite:
        body = None if self.done else self._insert(original.body, updated.body)
        return updated.with_changes(body=body) if body is not None else updated

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body = None if self.done else self._insert(original.body, updated.body)
        return updated.with_changes(body=body) if body is not None else updated


class _InsertStatement(_OnLine):
    def __init__(self, line: int, statement: str) -> None:
        super().__init__(line)
        self.statement = cst.parse_statement(statement.rstrip("\n") + "\n")
        if not isinstance(self.statement, cst.SimpleStatementLine):
            raise Refused("insert_statement takes one simple statement")

    def _insert(self, original: Sequence[cst.CSTNode], updated: Sequence[Any]) -> list[Any]:
        body = list(updated)
        for i, statement in enumerate(original):
            if isinstance(statement, cst.SimpleStatementLine) and self.covers(statement):
                self.done += 1
                body.insert(i, self.statement)
                break
        return body

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return updated.with_changes(body=self._insert(original.body, updated.body))

    def leave_IndentedBlock(self, original: cst.IndentedBlock,
                            updated: cst.IndentedBlock) -> cst.BaseSuite:
        return updated.with_changes(body=self._insert(original.body, updated.body))


class _AddDecorator(_OnLine):
    def __init__(self, line: int, name: str, decorator: str, module: cst.Module) -> None:
        super().__init__(line)
        self.name, self.module = name, module
        self.decorator = cst.Decorator(decorator=cst.parse_expression(decorator.lstrip("@")))

    def _decorate(self, original: cst.ClassDef | cst.FunctionDef,
                  updated: cst.ClassDef | cst.FunctionDef) -> cst.ClassDef | cst.FunctionDef:
        if self.done or original.name.value != self.name or not self.covers(original):
            return updated
        wanted = self.module.code_for_node(self.decorator.decorator)
        if any(self.module.code_for_node(d.decorator) == wanted for d in updated.decorators):
            return updated
        self.done += 1
        return updated.with_changes(decorators=[self.decorator, *updated.decorators])

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        result = self._decorate(original, updated)
        assert isinstance(result, cst.ClassDef)
        return result

    def leave_FunctionDef(self, original: cst.FunctionDef,
                          updated: cst.FunctionDef) -> cst.FunctionDef:
        result = self._decorate(original, updated)
        assert isinstance(result, cst.FunctionDef)
        return result


class _ReplaceNumber(_OnLine):
    def __init__(self, line: int, old: int, new: str) -> None:
        super().__init__(line)
        self.old, self.new = old, cst.parse_expression(new)

    def leave_Integer(self, original: cst.Integer,
                      updated: cst.Integer) -> cst.BaseExpression:
        if not self.covers(original) or original.evaluated_value != self.old:
            return updated
        self.done += 1
        return self.new


class _ReplaceExpression(_OnLine):
    def __init__(self, line: int, old: str, new: str, module: cst.Module) -> None:
        super().__init__(line)
        self.old, self.new, self.module = old.strip(), cst.parse_expression(new), module

    # any kind of expression may be the one: the generic hook, returning another node type
    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode  # type: ignore[override]
                 ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        result = super().on_leave(original, updated)
        if isinstance(original, cst.BaseExpression) and self.covers(original) and \
                self.module.code_for_node(original).strip() == self.old:
            self.done += 1
            return self.new
        return result


class _WrapName(_OnLine):
    def __init__(self, line: int, name: str, template: str) -> None:
        super().__init__(line)
        self.name, self.new = name, cst.parse_expression(template.format(name))
        self.skip: set[int] = set()  # keywords and attribute names spelled like ``name``

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.skip.add(id(node.keyword))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skip.add(id(node.attr))

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if original.value != self.name or id(original) in self.skip or \
                not self.covers(original):
            return updated
        self.done += 1
        return self.new


class _MoveIntoBlock(_OnLine):
    def __init__(self, line: int, target: int) -> None:
        super().__init__(line)
        self.target = target

    def _move(self, original: Sequence[cst.CSTNode], updated: Sequence[Any]) -> list[Any]:
        body = list(updated)
        moved = [i for i, s in enumerate(original)
                 if isinstance(s, cst.SimpleStatementLine) and self.covers(s)]
        into = [i for i, s in enumerate(original) if isinstance(s, cst.With) and
                self.get_metadata(PositionProvider, s).start.line == self.target]
        if len(moved) != 1 or len(into) != 1 or moved[0] >= into[0]:
            return body
        statement, block = body[moved[0]], body[into[0]]
        # its comments go with it; its blank lines stay behind (they would be indented)
        statement = statement.with_changes(leading_lines=[
            empty for empty in statement.leading_lines if empty.comment is not None])
        if not isinstance(block.body, cst.IndentedBlock):
            return body
        inner = block.body.with_changes(body=[statement, *block.body.body])
        body[into[0]] = block.with_changes(body=inner)
        del body[moved[0]]
        self.done += 1
        return body

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return updated.with_changes(body=self._move(original.body, updated.body))

    def leave_IndentedBlock(self, original: cst.IndentedBlock,
                            updated: cst.IndentedBlock) -> cst.BaseSuite:
        return updated.with_changes(body=self._move(original.body, updated.body))


def _add_import(source: str, module: str, alias: str | None) -> str:
    tree = cst.parse_module(source)
    wanted = f"import {module} as {alias}" if alias else f"import {module}"
    for statement in tree.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    for name in small.names:
                        bound = name.asname.name if name.asname else name.name
                        text = tree.code_for_node(name.name)
                        if text == module and (alias is None or
                                               tree.code_for_node(bound) == alias):
                            return source
    last_import = -1
    for index, statement in enumerate(tree.body):
        if isinstance(statement, cst.SimpleStatementLine) and any(
                isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body):
            last_import = index
    new_line = cst.parse_statement(wanted + "\n")
    body = list(tree.body)
    body.insert(last_import + 1, new_line)
    return tree.with_changes(body=body).code


def apply(source: str, transform: str, line: int, args: dict[str, Any]) -> str:
    """``source`` with one edit made; raises ``Refused`` when it cannot be made exactly once."""
    if transform == "add_import":
        return _add_import(source, args["module"], args.get("alias"))
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise Refused(f"the file does not parse: {error.message}") from None
    makers: dict[str, Callable[[], _OnLine]] = {
        "wrap_argument": lambda: _WrapArgument(line, args["template"], args.get("method", ""),
                                               args.get("position"), args.get("keyword"),
                                               module),
        "set_keyword": lambda: _SetKeyword(line, args["call"], args["keyword"], args["value"],
                                           args.get("position")),
        "replace_string": lambda: _ReplaceString(line, args["old"], args["new"]),
        "wrap_element": lambda: _WrapElement(line, args["template"], args.get("method", ""),
                                             args.get("position"), args.get("keyword"),
                                             int(args.get("index", 0)), module),
        "insert_statement_before": lambda: _InsertStatementBefore(line, args["statement"]),
        "insert_before_call": lambda: _InsertBeforeCall(line, args["element"], args["before"]),
        "rename_name": lambda: _RenameName(line, args["old"], args["new"]),
        "replace_expression": lambda: _ReplaceExpression(line, args["old"], args["new"],
                                                         module),
        "rename_keyword": lambda: _RenameKeyword(line, args["call"], args["old"], args["new"]),
        "drop_keyword": lambda: _DropKeyword(line, args["call"], args["keyword"]),
        "replace_call": lambda: _ReplaceCall(line, args["call"], args["new"]),
        "replace_number": lambda: _ReplaceNumber(line, int(args["old"]), args["new"]),
        "wrap_name": lambda: _WrapName(line, args["name"], args["template"]),
        "insert_statement": lambda: _InsertStatement(line, args["statement"]),
        "add_decorator": lambda: _AddDecorator(line, args["name"], args["decorator"], module),
        "move_into_block": lambda: _MoveIntoBlock(line, args["target"]),
    }
    if transform not in makers:
        raise Refused(f"unknown transform {transform!r}")
    if transform == "wrap_argument" and not args.get("method"):
        raise Refused("wrap_argument needs the name of the call whose argument it wraps")
    visitor = makers[transform]()
    new = MetadataWrapper(module).visit(visitor)
    if visitor.done != 1:
        what = "nothing" if visitor.done == 0 else f"{visitor.done} places"
        raise Refused(f"{transform} matched {what} on line {line}, not exactly one place")
    return new.code


def apply_all(source: str, edits: Sequence[tuple[str, int, dict[str, Any]]]) -> str:
    for transform, line, args in edits:
        source = apply(source, transform, line, args)
    return source
