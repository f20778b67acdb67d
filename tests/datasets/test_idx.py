"""The IDX reader: gzipped and raw files, every element type, and precise errors on bad files."""

import gzip

import numpy as np
import pytest

from deepbricks.datasets._idx import IMAGES_MAGIC, LABELS_MAGIC, read_idx
from tests.datasets.helpers import idx_bytes, write

IMAGES = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)


@pytest.mark.parametrize("gz", [True, False], ids=["gzipped", "raw"])
def test_reads_images_gzipped_or_raw_detected_by_content_not_name(tmp_path, gz):
    path = write(tmp_path / "images", idx_bytes(IMAGES), gz)
    out = read_idx(path, IMAGES_MAGIC, (None, 28, 28))
    np.testing.assert_array_equal(out, IMAGES)
    assert out.dtype == np.uint8
    assert out.flags.writeable


@pytest.mark.parametrize("dtype", ["i1", "i2", "i4", "f4", "f8"])
def test_multi_byte_types_are_big_endian_on_disk_and_native_in_memory(tmp_path, dtype):
    array = (np.arange(12).reshape(3, 4) - 5).astype(dtype)
    out = read_idx(write(tmp_path / "a.gz", idx_bytes(array), gz=True))
    np.testing.assert_array_equal(out, array)
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative


def test_bad_magic_number_names_the_file_and_both_numbers(tmp_path):
    path = write(tmp_path / "labels.gz", idx_bytes(np.zeros(5, np.uint8)), gz=True)
    with pytest.raises(ValueError, match=r"labels\.gz: bad magic number 0x00000801 "
                                         r"\(expected 0x00000803\)"):
        read_idx(path, IMAGES_MAGIC)


def test_a_file_that_is_not_idx_at_all_is_refused(tmp_path):
    path = write(tmp_path / "page.html", b"<html>Not Found</html>", gz=False)
    with pytest.raises(ValueError, match=r"page\.html: bad magic number 0x3C68746D: not an IDX"):
        read_idx(path)


def test_unknown_element_type_is_refused(tmp_path):
    payload = bytearray(idx_bytes(np.zeros(4, np.uint8)))
    payload[2] = 0x42
    with pytest.raises(ValueError, match="bad magic number 0x00004201: not an IDX file"):
        read_idx(write(tmp_path / "x", bytes(payload), gz=False))


def test_unexpected_dimensions_are_reported(tmp_path):
    path = write(tmp_path / "x.gz", idx_bytes(np.zeros((2, 32, 32), np.uint8)), gz=True)
    expected = r"bad dimensions \(2, 32, 32\) \(expected \(N, 28, 28\)\)"
    with pytest.raises(ValueError, match=expected):
        read_idx(path, IMAGES_MAGIC, (None, 28, 28))


@pytest.mark.parametrize("gz", [True, False], ids=["gzipped", "raw"])
def test_truncated_data_reports_expected_and_found_sizes(tmp_path, gz):
    payload = idx_bytes(IMAGES)[:1000]
    path = write(tmp_path / "images", payload, gz)
    with pytest.raises(ValueError, match=r"images: truncated: expected 1584 bytes, found 1000"):
        read_idx(path, IMAGES_MAGIC)


def test_truncated_header_is_reported(tmp_path):
    path = write(tmp_path / "x", idx_bytes(IMAGES)[:9], gz=False)
    with pytest.raises(ValueError, match="truncated: expected at least 16 bytes, found 9"):
        read_idx(path)


def test_trailing_bytes_are_reported_as_a_wrong_size(tmp_path):
    path = write(tmp_path / "labels", idx_bytes(np.zeros(5, np.uint8)) + b"junk", gz=False)
    with pytest.raises(ValueError, match="wrong size: expected 13 bytes, found 17"):
        read_idx(path, LABELS_MAGIC)


def test_a_gzip_file_cut_short_is_reported_as_corrupt_not_as_eoferror(tmp_path):
    whole = gzip.compress(idx_bytes(IMAGES))
    path = tmp_path / "images.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ValueError, match=r"images\.gz: corrupt gzip stream .*download it again"):
        read_idx(path, IMAGES_MAGIC)


def test_a_gzip_file_with_damaged_contents_is_reported_as_corrupt(tmp_path):
    whole = bytearray(gzip.compress(idx_bytes(IMAGES)))
    whole[20:40] = bytes(20)
    path = tmp_path / "images.gz"
    path.write_bytes(bytes(whole))
    with pytest.raises(ValueError, match="corrupt gzip stream"):
        read_idx(path, IMAGES_MAGIC)
