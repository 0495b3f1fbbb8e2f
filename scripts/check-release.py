#!/usr/bin/env python3
"""Check an exported MeViS release the way the official MeViS loaders read it.

Usage: python3 scripts/check-release.py <releaseDir> [--ground-truth <groundTruthDir>]

A release is two packages: the public one (<releaseDir>: every split's frames and sentences, the
masks of train and valid_u) and the ground truth of its withheld splits (valid, test), a folder of
its own. The public one must hold no ground truth of valid/test; their targets and masks are checked
when --ground-truth names the package.

Standard library only, so it runs on the machine of whoever receives the release. It reads the
JSON with json.load and looks things up exactly like the official detectron2 / ReferFormer loader
(sorted frames, int(obj_id), mask_dict[str(anno_id)][frame_idx]); RLE strings are decoded with a
port of pycocotools' rleFrString. With numpy installed it also decodes every mask to an array.
Mirrors server/src/testing/release-check.ts; see MEVIS_FORMAT.md sections 2-6 for the rules.
"""
import json
import os
import struct
import sys

try:
    import numpy as np
except ImportError:  # numpy only adds the foreground-pixel totals
    np = None

SPLITS = ("train", "valid_u", "valid", "test")
# Only these ship mask_dict.json beside the frames; valid/test's is in the ground-truth package.
SPLITS_WITH_MASKS = ("train", "valid_u")
MAX_PROBLEMS = 500


def rle_fr_string(s):
    """Run lengths of a COCO compressed counts string (pycocotools maskApi.c rleFrString)."""
    cnts = []
    p = 0
    while p < len(s):
        x = 0
        k = 0
        more = True
        while more:
            if p >= len(s):
                raise ValueError("counts string is truncated")
            c = ord(s[p]) - 48
            if c < 0 or c > 63:
                raise ValueError("invalid char %r at %d" % (s[p], p))
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(cnts) > 2:
            x += cnts[-2]
        cnts.append(x)
    return cnts


def decode_runs(rle):
    """Validated run lengths of one mask_dict entry; raises ValueError with the reason."""
    if not isinstance(rle, dict) or not isinstance(rle.get("counts"), str):
        raise ValueError("must be null or {size: [h, w], counts: string}")
    size = rle.get("size")
    if not (isinstance(size, list) and len(size) == 2 and all(type(v) is int and v > 0 for v in size)):
        raise ValueError("size must be [h, w] positive integers, got %r" % (size,))
    runs = rle_fr_string(rle["counts"])
    if any(r < 0 for r in runs):
        raise ValueError("counts decode to a negative run")
    if sum(runs) != size[0] * size[1]:
        raise ValueError("counts cover %d pixels but size %r has %d" % (sum(runs), size, size[0] * size[1]))
    return runs


def foreground(rle, runs):
    h, w = rle["size"]
    values = np.arange(len(runs), dtype=np.int64) % 2
    mask = np.repeat(values.astype(np.uint8), runs).reshape((h, w), order="F")
    return int(mask.sum())


def jpeg_size(path):
    """(h, w) from the JPEG frame header, or (None, reason)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] != b"\xff\xd8":
        return None, "does not start with the JPEG SOI bytes FF D8"
    p = 2
    while p + 4 <= len(data):
        if data[p] != 0xFF:
            return None, "has no JPEG marker at byte %d" % p
        m = data[p + 1]
        if m == 0xFF:
            p += 1
            continue
        if m == 0x01 or 0xD0 <= m <= 0xD8:
            p += 2
            continue
        if m in (0xD9, 0xDA):
            break
        if m in (0xC0, 0xC1, 0xC2):
            if p + 9 > len(data):
                break
            return struct.unpack(">HH", data[p + 5:p + 9]), None
        if 0xC3 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC):
            return None, "uses an unsupported JPEG coding (SOF marker 0x%x)" % m
        p += 2 + struct.unpack(">H", data[p + 2:p + 4])[0]
    return None, "has no SOF0/SOF2 frame header before the image data"


class Checker:
    def __init__(self, root, gt_root=None):
        self.root = root
        self.gt_root = gt_root
        self.problems = []
        self.dropped = 0
        self.anno_split = {}
        self.split = ""

    def say(self, msg):
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append("%s: %s" % (self.split, msg))
        else:
            self.dropped += 1

    def check_v2(self, d, where=""):
        meta_path = os.path.join(d, "meta_expressions.json")
        v2_path = os.path.join(d, "meta_expressions_v2.json")
        if not os.path.isfile(v2_path):
            self.say("%smeta_expressions_v2.json is missing" % where)
        elif os.path.isfile(meta_path) and read_bytes(meta_path) != read_bytes(v2_path):
            self.say("%smeta_expressions_v2.json differs from meta_expressions.json (must be a byte-identical copy)" % where)

    def load_json(self, path, label):
        if not os.path.isfile(path):
            self.say("%s is missing" % label)
            return None
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        except ValueError as e:
            self.say("%s does not parse: %s" % (label, e))
            return None

    def load_meta(self, path, label, need_ids):
        root = self.load_json(path, label)
        if root is None:
            return None
        videos = root.get("videos") if isinstance(root, dict) else None
        if not isinstance(videos, dict):
            self.say('%s has no "videos" object' % label)
            return None
        meta = {}
        for name, vid in videos.items():
            where = "%s video %s" % (label, name)
            if not (isinstance(vid, dict) and is_str_list(vid.get("frames")) and isinstance(vid.get("expressions"), dict)):
                self.say("%s: expected {frames: string[], expressions: {...}}" % where)
                continue
            exps = {}
            for exp_id, e in vid["expressions"].items():
                if not (isinstance(e, dict) and isinstance(e.get("exp"), str)):
                    self.say("%s exp %s: expected {exp: string, obj_id, anno_id}" % (where, exp_id))
                    continue
                # The public valid/test copy may leave the ids out; the ground-truth copy may not.
                if need_ids or "obj_id" in e:
                    obj = e.get("obj_id")
                    if not (isinstance(obj, list) and all(type(o) is int for o in obj)):
                        self.say("%s exp %s: obj_id must be a list of integers, got %r" % (where, exp_id, obj))
                        e = dict(e, obj_id=None)
                if need_ids or "anno_id" in e:
                    if not is_str_list(e.get("anno_id")):
                        self.say("%s exp %s: anno_id must be a list of strings, got %r" % (where, exp_id, e.get("anno_id")))
                        e = dict(e, anno_id=None)
                exps[exp_id] = e
            # Additive "objects" (obj_id -> anno_id): every track of the video, named or not.
            objects = vid.get("objects", {})
            if not (isinstance(objects, dict) and all(k.isdigit() and isinstance(a, str) for k, a in objects.items())):
                self.say("%s: objects must map obj_id to anno_id strings" % where)
                objects = {}
            meta[name] = {"frames": vid["frames"], "expressions": exps, "objects": {int(k): a for k, a in objects.items()}, "frame_map": vid.get("frame_map")}
        return meta

    def check_split(self, split, masks_in_split):
        self.split = split
        counts = {"videos": 0, "expressions": 0, "no_target": 0, "masks": 0, "foreground": 0}
        d = os.path.join(self.root, split)
        meta_path = os.path.join(d, "meta_expressions.json")
        pub = self.load_meta(meta_path, "meta_expressions.json", masks_in_split)
        self.check_v2(d)
        if pub is None:
            return counts

        counts["videos"] = len(pub)
        sizes = {}
        for name, vid in pub.items():
            counts["expressions"] += len(vid["expressions"])
            self.check_frames(name, vid["frames"], vid["frame_map"])
            ids = set(vid["expressions"])
            if ids != {str(i) for i in range(len(ids))}:
                self.say('%s: expression ids must be "0", "1", ... consecutive, got %s' % (name, sorted(ids)))
            sizes[name] = self.frame_sizes(d, name, vid["frames"])
        jpeg_dir = os.path.join(d, "JPEGImages")
        extra = sorted(set(os.listdir(jpeg_dir)) - set(pub)) if os.path.isdir(jpeg_dir) else []
        if extra:
            self.say("JPEGImages has %d folder(s) not listed in meta_expressions.json: %s" % (len(extra), ", ".join(extra[:5])))

        gt, gt_dir, label = pub, d, "mask_dict.json"
        if not masks_in_split:
            if os.path.exists(os.path.join(d, "mask_dict.json")):
                self.say("mask_dict.json must not be in the public %s folder (it is the hidden ground truth)" % split)
            if os.path.exists(os.path.join(self.root, "tracking", split)):
                self.say("tracking/%s must not be in the public release (the boxes give the targets away)" % split)
            if self.gt_root is None:
                counts["unchecked"] = True
                return counts
            gt_dir = os.path.join(self.gt_root, split)
            gt = self.load_meta(os.path.join(gt_dir, "meta_expressions.json"), "ground truth %s/meta_expressions.json" % split, True)
            self.check_v2(gt_dir, "ground truth %s/" % split)
            if gt is None:
                return counts
            self.compare_ground_truth(pub, gt)
            label = "ground truth %s/mask_dict.json" % split
        mask_dict = self.load_json(os.path.join(gt_dir, "mask_dict.json"), label)
        if mask_dict is None:
            return counts
        if not isinstance(mask_dict, dict):
            self.say("%s must be an object {anno_id: [rle or null, ...]}" % label)
            return counts
        anno_video = self.check_expressions(gt, mask_dict, counts)
        self.check_tracks(gt, mask_dict, anno_video, sizes, counts)
        return counts

    def check_frames(self, name, frames, frame_map=None):
        if len(frames) < 2:
            self.say("%s: has %d frame(s); the official train loader skips videos with fewer than 2" % (name, len(frames)))
        # Source names are kept when the tools read them as they are (YouTube-VOS strides: 00000, 00005, ...).
        bad = [f for f in frames if not (0 < len(f) <= 64 and f.isascii() and all(c.isalnum() or c in "_-" for c in f))]
        if bad:
            self.say('%s: frame name "%s" is not a plain file name (letters, digits, "_", "-")' % (name, bad[0]))
        elif any(a >= b for a, b in zip(frames, frames[1:])):
            self.say("%s: frames are not sorted strictly ascending" % name)
        elif frames and frames[0] != "00000":
            self.say('%s: frames start at "%s" but must start at "00000" (the evaluator reads 00000.png)' % (name, frames[0]))
        elif frame_map is not None:
            # Renumbered frames: 00000, 00001, ..., each traced to its source name.
            gaps = [i for i, f in enumerate(frames) if f != "%05d" % i]
            if gaps:
                self.say('%s: renumbered frames are not consecutive: "%s" at position %d' % (name, frames[gaps[0]], gaps[0]))
            if not (isinstance(frame_map, dict) and list(frame_map) == frames and all(isinstance(v, str) and v for v in frame_map.values())):
                self.say("%s: frame_map must map every listed frame, in order, to its source frame name" % name)

    def frame_sizes(self, d, name, frames):
        if not os.path.isdir(os.path.join(d, "JPEGImages", name)):
            self.say("JPEGImages/%s/ is missing" % name)
            return []
        sizes = []
        for f in frames:
            rel = "JPEGImages/%s/%s.jpg" % (name, f)
            path = os.path.join(d, rel)
            size, why = jpeg_size(path) if os.path.isfile(path) else (None, "is missing")
            if why:
                self.say("%s %s" % (rel, why))
            sizes.append(size)
        return sizes

    def compare_ground_truth(self, pub, gt):
        where = "ground truth meta_expressions.json"
        if sorted(pub) != sorted(gt):
            self.say("%s lists other videos than the public one" % where)
        for name, p in pub.items():
            g = gt.get(name)
            if g is None:
                continue
            if p["frames"] != g["frames"]:
                self.say("%s video %s: frames differ from the public copy" % (where, name))
            for exp_id, pe in p["expressions"].items():
                ge = g["expressions"].get(exp_id)
                if ge is None or ge["exp"] != pe["exp"]:
                    self.say("%s video %s exp %s: missing or its text differs from the public copy" % (where, name, exp_id))
                elif any(k in pe and pe[k] != ge.get(k) for k in ("obj_id", "anno_id")):
                    self.say("%s video %s exp %s: obj_id/anno_id differ from the public copy" % (where, name, exp_id))
            if len(g["expressions"]) != len(p["expressions"]):
                self.say("%s video %s: has %d expressions, the public copy %d" % (where, name, len(g["expressions"]), len(p["expressions"])))

    def check_expressions(self, gt, mask_dict, counts):
        anno_video = {}
        for name, vid in gt.items():
            obj_anno = dict(vid.get("objects", {}))
            for anno in obj_anno.values():
                if anno not in mask_dict:
                    self.say('%s objects: anno_id "%s" is not a key of mask_dict.json' % (name, anno))
                owner = anno_video.setdefault(anno, name)
                if owner != name:
                    self.say('anno_id "%s" is used by both %s and %s' % (anno, owner, name))
            for exp_id, e in vid["expressions"].items():
                if e.get("obj_id") is None or e.get("anno_id") is None:
                    continue
                # Exactly the official loader's coercions.
                obj_ids = [int(x) for x in e["obj_id"]]
                anno_ids = [str(x) for x in e["anno_id"]]
                where = "%s exp %s" % (name, exp_id)
                if not obj_ids:
                    counts["no_target"] += 1
                    if anno_ids:
                        self.say("%s: no-target expression (empty obj_id) has anno_id %s" % (where, anno_ids))
                    continue
                # DsHmp keys referents by the concatenated obj_ids, so order must be canonical.
                if any(a >= b for a, b in zip(obj_ids, obj_ids[1:])):
                    self.say("%s: obj_id %s is not sorted ascending without duplicates" % (where, obj_ids))
                if len(anno_ids) != len(obj_ids):
                    self.say("%s: anno_id has %d entries but obj_id has %d" % (where, len(anno_ids), len(obj_ids)))
                for obj, anno in zip(obj_ids, anno_ids):
                    if anno not in mask_dict:
                        self.say('%s: anno_id "%s" is not a key of mask_dict.json' % (where, anno))
                    owner = anno_video.setdefault(anno, name)
                    if owner != name:
                        self.say('anno_id "%s" is used by both %s and %s' % (anno, owner, name))
                    prev = obj_anno.setdefault(obj, anno)
                    if prev != anno:
                        self.say('%s: obj_id %d is paired with anno_id "%s" and "%s"' % (name, obj, prev, anno))
                for anno in anno_ids[len(obj_ids):]:
                    if anno not in mask_dict:
                        self.say('%s: anno_id "%s" is not a key of mask_dict.json' % (where, anno))
        return anno_video

    def check_tracks(self, gt, mask_dict, anno_video, sizes, counts):
        for anno, track in mask_dict.items():
            other = self.anno_split.setdefault(anno, self.split)
            if other != self.split:
                self.say('mask_dict key "%s" is also in %s\'s mask_dict (anno ids must be unique across the release)' % (anno, other))
            where = 'mask_dict["%s"]' % anno
            if not isinstance(track, list):
                self.say("%s must be a list of per-frame RLEs, got %s" % (where, type(track).__name__))
                continue
            video = anno_video.get(anno)
            if video is None:
                self.say("%s is not referenced by any expression or video objects list" % where)
            frames = gt[video]["frames"] if video in gt else None
            if frames is not None and len(track) != len(frames):
                self.say("%s has %d entries but %s has %d frames" % (where, len(track), video, len(frames)))
            frame_sizes = sizes.get(video, [])
            for i, rle in enumerate(track):
                if rle is None:
                    continue
                try:
                    runs = decode_runs(rle)
                except ValueError as e:
                    self.say("%s[%d] does not decode: %s" % (where, i, e))
                    continue
                counts["masks"] += 1
                if np is not None:
                    counts["foreground"] += foreground(rle, runs)
                size = frame_sizes[i] if i < len(frame_sizes) else None
                if size is not None and list(size) != rle["size"]:
                    self.say("%s[%d] has size %s but its JPEG is %dx%d (w x h)" % (where, i, rle["size"], size[1], size[0]))


def is_str_list(v):
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def main(argv):
    args = argv[1:]
    gt_root = None
    if len(args) == 3 and args[1] == "--ground-truth":
        gt_root = args[2]
    elif len(args) != 1:
        print("usage: python3 scripts/check-release.py <releaseDir> [--ground-truth <groundTruthDir>]", file=sys.stderr)
        return 2
    root = args[0]
    checker = Checker(root, gt_root)
    if os.path.exists(os.path.join(root, "ground_truth")):
        checker.problems.append("release: ground_truth/ must not be in the public release (the ground truth of withheld splits is a package of its own)")
    totals = {"splits": 0, "expressions": 0, "masks": 0}
    for split in SPLITS:
        if not os.path.isdir(os.path.join(root, split)):
            continue
        c = checker.check_split(split, split in SPLITS_WITH_MASKS)
        line = "%s: videos=%d expressions=%d no_target=%d masks=%d" % (
            split, c["videos"], c["expressions"], c["no_target"], c["masks"])
        if c.get("unchecked"):
            line += " ground_truth=not-given"
        elif np is not None:
            line += " foreground=%d" % c["foreground"]
        print(line)
        totals["splits"] += 1
        totals["expressions"] += c["expressions"]
        totals["masks"] += c["masks"]
    if totals["splits"] == 0:
        checker.problems.append("no split folder (%s) in %s" % (", ".join(SPLITS), root))
    if checker.dropped:
        checker.problems.append("... and %d more problems" % checker.dropped)
    if checker.problems:
        for p in checker.problems:
            print("problem: " + p)
        print("check-release FAILED problems=%d" % (len(checker.problems) + checker.dropped))
        return 1
    print("check-release ok splits=%d expressions=%d masks=%d" % (totals["splits"], totals["expressions"], totals["masks"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
