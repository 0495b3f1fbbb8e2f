"""Golden numbers for MeViS Studio's evaluator, computed with the OFFICIAL MeViS tools/metrics.py.

Usage: python3 make_golden.py <fixtures-root> <metrics.py dir> <out.json>
The masks are built from the DAVIS fixture frames with simple, fully specified transforms (see
TRANSFORMS) so the TypeScript test can rebuild exactly the same masks and compare.
"""
import json, sys, os, platform
import numpy as np
import cv2
import skimage
from PIL import Image

fixtures, metrics_dir, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, metrics_dir)
from metrics import db_eval_iou, db_eval_boundary, f_measure, _seg2bmap  # the official code
from skimage.morphology import disk

root = os.path.join(fixtures, 'davis2017-val-osvos')

def frames_of(seq):
    return sorted(f[:-4] for f in os.listdir(os.path.join(root, 'Annotations', seq)) if f.endswith('.png'))

def labels(seq, frame):
    im = Image.open(os.path.join(root, 'Annotations', seq, frame + '.png'))
    assert im.mode == 'P'
    return np.array(im)

def davis2016(seq, frame):
    return (cv2.imread(os.path.join(root, 'Annotations_davis2016_gt', seq, frame + '.png'), cv2.IMREAD_GRAYSCALE) > 0).astype(np.uint8)

def shift(m, dx, dy):
    # content moves by (+dx, +dy); uncovered pixels are background
    h, w = m.shape
    out = np.zeros_like(m)
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[yd, xd] = m[ys, xs]
    return out

def step3(m, op):
    # one 3x3 square erosion (op=min) or dilation (op=max); outside the image is background
    p = np.pad(m, 1, constant_values=0)
    h, w = m.shape
    acc = p[1:h + 1, 1:w + 1].copy()
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            acc = op(acc, p[dy:dy + h, dx:dx + w])
    return acc

def build(seq, spec, crop, i, frames):
    fi = min(i + spec.get('frameOffset', 0), len(frames) - 1)
    if spec.get('davis2016'):
        m = davis2016(seq, frames[fi])
    else:
        lab = labels(seq, frames[fi])
        m = np.isin(lab, spec['objs']).astype(np.uint8) if spec['objs'] else np.zeros_like(lab, dtype=np.uint8)
    if crop:
        m = m[:crop[1], :crop[0]].copy()
    if 'shift' in spec:
        m = shift(m, spec['shift'][0], spec['shift'][1])
    for _ in range(spec.get('erode', 0)):
        m = step3(m, np.minimum)
    for _ in range(spec.get('dilate', 0)):
        m = step3(m, np.maximum)
    if spec.get('everyOther') and i % 2 == 1:
        m = np.zeros_like(m)
    return m

CASES = [
    {'name': 'kite-surf: object 1 vs its next frame', 'seq': 'kite-surf', 'gt': {'objs': [1]}, 'pred': {'objs': [1], 'frameOffset': 1}},
    {'name': 'soapbox: object 3 vs itself shifted (+7, -4)', 'seq': 'soapbox', 'gt': {'objs': [3]}, 'pred': {'objs': [3], 'shift': [7, -4]}},
    {'name': 'paragliding-launch: objects 1+2 vs eroded twice', 'seq': 'paragliding-launch', 'gt': {'objs': [1, 2]}, 'pred': {'objs': [1, 2], 'erode': 2}},
    {'name': 'horsejump-high: object 1 vs object 2 (wrong target)', 'seq': 'horsejump-high', 'gt': {'objs': [1]}, 'pred': {'objs': [2]}},
    {'name': 'horsejump-high: DAVIS-2016 human GT vs OSVOS union', 'seq': 'horsejump-high', 'gt': {'davis2016': True}, 'pred': {'objs': [1, 2]}},
    {'name': 'kite-surf: no-target GT vs object 2 on even frames', 'seq': 'kite-surf', 'gt': {'objs': []}, 'pred': {'objs': [2], 'everyOther': True}},
    {'name': 'soapbox 641x361 crop: object 1 vs shifted (-3, +5) and dilated', 'seq': 'soapbox', 'crop': [641, 361], 'gt': {'objs': [1]}, 'pred': {'objs': [1], 'shift': [-3, 5], 'dilate': 1}},
    {'name': 'paragliding-launch: object 3 vs empty prediction', 'seq': 'paragliding-launch', 'gt': {'objs': [3]}, 'pred': {'objs': []}},
    {'name': 'kite-surf: objects 1+2+3 vs eroded once then shifted (0, +12)', 'seq': 'kite-surf', 'gt': {'objs': [1, 2, 3]}, 'pred': {'objs': [1, 2, 3], 'erode': 1, 'shift': [0, 12]}},
]

def counts(pred, gt):
    # the intermediate counts of the official f_measure, via its own _seg2bmap and kernel
    r = np.ceil(0.008 * np.linalg.norm(pred.shape))
    fb = _seg2bmap(pred)
    gb = _seg2bmap(gt)
    k = disk(r).astype(np.uint8)
    fd = cv2.dilate(fb.astype(np.uint8), k)
    gd = cv2.dilate(gb.astype(np.uint8), k)
    return int(np.sum(fb)), int(np.sum(gb)), int(np.sum(fb * gd)), int(np.sum(gb * fd)), int(r)

out_cases = []
for c in CASES:
    seq = c['seq']
    frames = frames_of(seq)
    crop = c.get('crop')
    gts = np.stack([build(seq, c['gt'], crop, i, frames) for i in range(len(frames))])
    preds = np.stack([build(seq, c['pred'], crop, i, frames) * 255 for i in range(len(frames))]).astype(np.uint8)
    # exactly the calls of the official tools/eval_mevis.py
    jv = db_eval_iou(gts, preds)
    fv = db_eval_boundary(gts, preds)
    per_frame = []
    for i in range(len(frames)):
        nfg, ngt, fgm, gtm, r = counts(preds[i], gts[i])
        per_frame.append({'J': float(jv[i]), 'F': float(fv[i]), 'n_fg': nfg, 'n_gt': ngt, 'fg_match': fgm, 'gt_match': gtm, 'radius': r})
        assert float(fv[i]) == float(f_measure(preds[i], gts[i]))
    out_cases.append({**c, 'height': int(gts.shape[1]), 'width': int(gts.shape[2]), 'frames': len(frames),
                      'J': float(jv.mean()), 'F': float(fv.mean()), 'predicted_no_target': bool(not preds.any()), 'per_frame': per_frame})
    print(f"{c['name']}: J={jv.mean()!r} F={fv.mean()!r}")

J = float(np.mean([c['J'] for c in out_cases]))
F = float(np.mean([c['F'] for c in out_cases]))
print(f'J: {J!r}\nF: {F!r}\nJ&F: {(J + F) / 2!r}')
doc = {
    'produced_by': 'shared/src/eval/golden/make_golden.py run outside the repo against the official henghuiding/MeViS tools/metrics.py',
    'official_commit': 'henghuiding/MeViS@7c0620b9dc0ab7802747957f221674f175c8a47b:tools/metrics.py',
    'versions': {'python': platform.python_version(), 'numpy': np.__version__, 'opencv': cv2.__version__, 'skimage': skimage.__version__},
    'fixture': 'davis2017-val-osvos',
    'transforms': 'labels -> crop [w,h] top-left -> pixels whose palette index is in objs (or DAVIS-2016 GT > 0) from frame min(i+frameOffset, n-1) -> shift [dx,dy] (content moves, zero fill) -> erode n× / dilate n× with a 3x3 square (outside = background) -> everyOther: odd frames empty. Predictions are 0/255.',
    'overall': {'J': J, 'F': F, 'JF': (J + F) / 2},
    'cases': out_cases,
}
with open(out_path, 'w') as f:
    json.dump(doc, f, separators=(',', ':'))
