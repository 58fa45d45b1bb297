#!/usr/bin/env python3
"""Issue 16: small files that claim huge resources, run through the built `deepen` CLI under /usr/bin/time -v.

Each case must be refused (exit 4, or the file skipped) within 500 MB of peak resident memory. Prints one line per
case: name, exit code, peak RSS in MB, and the first error line. Usage (after `dotnet build src/Deepen.Cli -c Release`):

    scripts/memory-bombs.sh            # or: python3 scripts/memory_bombs.py [WORK_DIR]
"""
import hashlib, io, json, os, re, struct, subprocess, sys, tempfile, zipfile, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, "src", "Deepen.Cli", "bin", "Release", "net10.0", "Deepen.Cli.dll")
LIMIT_MB = 500


def png(path, width, height, pixel=lambda x, y: 0, gray=True):
    """A valid 8-bit PNG written row by row (16000x16000 black is about 250 KB)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    z = zlib.compressobj(1)
    body = io.BytesIO()
    channels = 1 if gray else 3
    for y in range(height):
        row = bytes([0]) + bytes(pixel(x, y) for x in range(width) for _ in range(channels)) if width <= 64 else bytes(width * channels + 1)
        body.write(z.compress(row))
    body.write(z.flush())
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0 if gray else 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", body.getvalue()))
        f.write(chunk(b"IEND", b""))
    return path


def run(name, args):
    cmd = ["/usr/bin/time", "-v", "dotnet", CLI] + args
    p = subprocess.run(cmd, capture_output=True, text=True)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    mb = int(rss.group(1)) / 1024 if rss else float("nan")
    error = next((l for l in (p.stderr + p.stdout).splitlines() if "error" in l.lower()), "")
    print(f"{name:<28} exit {p.returncode}  peak RSS {mb:7.1f} MB  {'OK ' if mb < LIMIT_MB else 'OVER'}  {error[:150]}")
    return p.returncode, mb


def fix_checksums(entries):
    meta = json.loads(entries["metadata.json"])
    for k, v in entries.items():
        if k != "metadata.json":
            meta["sha256"][k] = hashlib.sha256(v).hexdigest()
    entries["metadata.json"] = json.dumps(meta).encode()
    return entries


def main():
    work = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="deepen-bombs-")
    os.makedirs(work, exist_ok=True)
    # A tiny trained model to edit: two classes of 8 16x16 images.
    data = os.path.join(work, "data")
    for c, shade in (("dark", 40), ("light", 200)):
        os.makedirs(os.path.join(data, c), exist_ok=True)
        for i in range(8):
            png(os.path.join(data, c, f"{i}.png"), 16, 16, lambda x, y, s=shade, i=i: (s + (x * y + i) % 30) % 256)
    small = os.path.join(work, "small")
    subprocess.run(["dotnet", CLI, "train", "--train", data, "--out", small, "--model", "small-cnn", "--image-size", "16",
                    "--epochs", "1", "--quiet"], check=True, capture_output=True)
    model = os.path.join(small, "model.deepen")
    image = os.path.join(data, "dark", "0.png")
    results = {}
    results["baseline (predict)"] = run("baseline (predict)", ["predict", "--model", model, image])

    # 1. A config asking for 10^6-unit Dense layers (a few KB), checksums fixed.
    with zipfile.ZipFile(model) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    config = json.loads(entries["config.json"])
    for layer in config["model"]["config"]["layers"]:
        if layer["class_name"] == "Dense":
            layer["config"]["units"] = 1_000_000
    entries["config.json"] = json.dumps(config).encode()
    wide = os.path.join(work, "wide.deepen")
    with zipfile.ZipFile(wide, "w") as z:
        for k, v in fix_checksums(entries).items():
            z.writestr(k, v)
    print(f"  (wide.deepen: {os.path.getsize(wide):,} bytes)")
    results["config bomb"] = run("config bomb (Dense 1e6)", ["predict", "--model", wide, image])

    # 2. A zip bomb: four known entries of 1.5 GiB of zeros each, deflated (a few MB on disk).
    bomb = os.path.join(work, "bomb.deepen")
    block = bytes(64 << 20)
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name in ("metadata.json", "config.json", "model.safetensors", "optimizer.bin"):
            with z.open(name, "w", force_zip64=True) as f:
                for _ in range(24):                       # 24 x 64 MiB = 1.5 GiB
                    f.write(block)
    print(f"  (bomb.deepen: {os.path.getsize(bomb):,} bytes)")
    results["zip bomb"] = run("zip bomb (4 x 1.5 GiB)", ["predict", "--model", bomb, image])

    # 3. A 200 MB one-line text among small ones: skipped unread, training goes on.
    text = os.path.join(work, "text")
    for c in ("a", "b"):
        os.makedirs(os.path.join(text, c), exist_ok=True)
        for i in range(4):
            with open(os.path.join(text, c, f"{i}.txt"), "w") as f:
                f.write(f"{c} words number {i} " * 5)
    with open(os.path.join(text, "a", "huge.txt"), "wb") as f:
        line = b"lorem ipsum " * (1 << 16)
        for _ in range((200 << 20) // len(line)):
            f.write(line)
    results["text bomb"] = run("200 MB one-line text", ["train", "--text", "--train", text, "--out", os.path.join(work, "text-out"),
                                                      "--model", "text-bow", "--epochs", "1", "--quiet"])

    # 4. A 16000x16000 PNG of about 250 KB.
    huge = png(os.path.join(work, "huge.png"), 16000, 16000)
    print(f"  (huge.png: {os.path.getsize(huge):,} bytes)")
    results["png bomb"] = run("16000x16000 PNG", ["predict", "--model", model, huge])

    over = [k for k, (_, mb) in results.items() if not mb < LIMIT_MB]
    print("all within %d MB" % LIMIT_MB if not over else "OVER the limit: " + ", ".join(over))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
