"""Finding a data set on disk, and downloading it into the cache as a last resort.

Every loader looks in the same places, in this order, and takes the first that holds the
whole data set:

1. the ``path=`` argument of ``load_data``;
2. ``$DEEPBRICKS_DATA/<name>/`` when that variable is set;
3. ``~/.deepbricks/datasets/<name>/`` (the cache);
4. the directories a system package installs (``/usr/share/datasets/...`` on Debian);
5. a download from the data set's official address into the cache directory (the first of
   2 and 3), checked against a SHA-256 digest before it is kept.
"""

import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from urllib.request import urlopen

DATA_ENV = "DEEPBRICKS_DATA"
DOWNLOAD_TIMEOUT = 60
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Remote:
    """One file of a data set as published: its name, SHA-256 digest and download addresses."""

    filename: str
    sha256: str
    urls: tuple


def cache_dir(name):
    """Returns the directory downloads of data set ``name`` go to."""
    root = os.environ.get(DATA_ENV)
    if root:
        return Path(root).expanduser() / name
    return Path.home() / ".deepbricks" / "datasets" / name


def search_dirs(name, path=None, system_dirs=()):
    """Returns the places to look for data set ``name``, in the order they are searched."""
    places = [] if path is None else [Path(path).expanduser()]
    root = os.environ.get(DATA_ENV)
    if root:
        places.append(Path(root).expanduser() / name)
    places.append(Path.home() / ".deepbricks" / "datasets" / name)
    places.extend(Path(d) for d in system_dirs)
    return places


def download(remote, directory):
    """Downloads ``remote`` into ``directory``, keeping it only if its SHA-256 digest matches.

    The bytes go to a temporary file in ``directory`` that is renamed to ``remote.filename``
    once the digest is right, so an interrupted or corrupted download never leaves a file that
    a later call could mistake for the data set. Each address is tried in turn.

    Args:
        remote: the :class:`Remote` to fetch.
        directory: where the file is stored (created when missing).

    Returns:
        The path of the verified file.

    Raises:
        OSError: when no address delivered the file with the expected digest; the message
            lists every address with the reason it failed.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    destination = directory / remote.filename
    failures = []
    for url in remote.urls:
        print(f"Downloading {url} to {destination}", file=sys.stderr)
        fd, partial = tempfile.mkstemp(dir=directory, prefix=f".{remote.filename}.", suffix=".part")
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out, urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
                while chunk := response.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != remote.sha256:
                failures.append(
                    f"{url}: SHA-256 mismatch (expected {remote.sha256}, got "
                    f"{digest.hexdigest()}); the file was discarded"
                )
                continue
            os.replace(partial, destination)
            return destination
        except (OSError, HTTPException) as err:
            failures.append(f"{url}: {err}")
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    raise OSError(f"could not download {remote.filename}:\n    " + "\n    ".join(failures))


def resolve(name, title, locate, remotes, path=None, system_dirs=(), hint=""):
    """Finds data set ``name`` on disk, downloading the missing files into the cache if needed.

    Args:
        name: the directory name under ``$DEEPBRICKS_DATA`` and the cache, e.g. ``'mnist'``.
        title: the data set's name for messages, e.g. ``'MNIST'``.
        locate: ``locate(place) -> found or None``; tells whether a directory (or file) holds
            the whole data set, and returns what the loader needs to read it.
        remotes: the :class:`Remote` files that make up the data set when downloaded.
        path: the user's ``path=`` argument, searched first.
        system_dirs: directories a system package installs the data set in.
        hint: extra advice for the "not found" message (e.g. which package to install).

    Returns:
        What ``locate`` returned for the first place that holds the data set.

    Raises:
        FileNotFoundError: nothing found and the download failed; the message lists every
            place searched, why the download failed and how to get the data.
    """
    places = search_dirs(name, path, system_dirs)
    for place in places:
        found = locate(place)
        if found is not None:
            return found
    cache = cache_dir(name)
    try:
        for remote in remotes:
            if not (cache / remote.filename).is_file():
                download(remote, cache)
        return locate(cache)
    except OSError as err:
        reason = err
    looked = "\n".join(f"  {place}" for place in places)
    files = ", ".join(remote.filename for remote in remotes)
    raise FileNotFoundError(
        f"{title} data set not found. Looked in:\n{looked}\n"
        f"and the download failed: {reason}\n"
        f"To get it: connect to the internet and call load_data() again (it downloads into "
        f"{cache}){hint}, or copy {files} into a directory and pass it as load_data(path=...) "
        f"or put them in ${DATA_ENV}/{name}/."
    )
