"""Installing compiles the message catalogues (claims/locale/*/LC_MESSAGES/*.po → .mo) with Babel, so that no user has a
step to remember (docs/translating.md). Everything else about the package is in pyproject.toml."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LOCALE = Path("claims") / "locale"


class BuildWithCatalogues(build_py):
    """build_py, and each .po compiled to its .mo: into the source tree for an editable install (which runs from it),
    into the build folder otherwise."""

    def run(self) -> None:
        super().run()
        target = Path(".") if self.editable_mode else Path(self.build_lib)
        for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
            compile_catalogue(po, target / po.with_suffix(".mo"))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if not self.editable_mode:
            outputs += [str(Path(self.build_lib) / po.with_suffix(".mo")) for po in LOCALE.glob("*/LC_MESSAGES/*.po")]
        return outputs


def compile_catalogue(po: Path, mo: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalogue = read_po(source)
    mo.parent.mkdir(parents=True, exist_ok=True)
    with mo.open("wb") as target:
        write_mo(target, catalogue)


setup(cmdclass={"build_py": BuildWithCatalogues})
