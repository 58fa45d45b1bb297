using Deepen.Tests.Helpers;

namespace Deepen.Tests.Data;

/// <summary>
/// A generated train/test folder pair with one file of every anomaly kind, plus hidden files and folders and a
/// non-image file that must be ignored.
/// </summary>
internal sealed class AnomalyFolder : IDisposable
{
    readonly TempDir _dir = new();

    public AnomalyFolder()
    {
        Train = Path.Combine(_dir.Path, "train");
        Test = Path.Combine(_dir.Path, "test");
        for (int i = 0; i < 5; i++)
        {
            TestImages.Png(In("cats", $"c{i}.png"), 12, 10, TestImages.Pattern(i));
            TestImages.Png(In("dogs", $"d{i}.png"), 12, 10, TestImages.Pattern(100 + i));
        }
        File.Copy(In("cats", "c0.png"), In("cats", "c0_copy.png"));          // duplicate within class
        File.Copy(In("cats", "c1.png"), In("dogs", "looks_like_c1.png"));    // label conflict (both copies)
        TestImages.Jpeg(In("dogs", "good.jpg"), 12, 10, TestImages.Pattern(7));
        var jpeg = File.ReadAllBytes(In("dogs", "good.jpg"));
        File.WriteAllBytes(In("dogs", "truncated.jpg"), jpeg[..(jpeg.Length / 2)]);
        var corrupt = new byte[400];
        new Random(1).NextBytes(corrupt);
        corrupt[0] = 0xFF; corrupt[1] = 0xD8; corrupt[2] = 0xFF; corrupt[3] = 0x00;
        File.WriteAllBytes(In("dogs", "corrupt.jpg"), corrupt);
        File.WriteAllBytes(In("cats", "empty.png"), Array.Empty<byte>());
        File.WriteAllText(In("cats", "notes.jpg"), "hello, this is not a picture\n");
        TestImages.Png(In("cats", "tiny.png"), 3, 3, TestImages.Pattern(9));
        TestImages.GrayPng(In("dogs", "gray.png"), 12, 10, (x, y) => (byte)(x * 20));
        TestImages.Png(In("cats", ".hidden.png"), 12, 10, TestImages.Pattern(50));
        TestImages.Png(In(".thumbnails", "t.png"), 12, 10, TestImages.Pattern(51));
        TestImages.Png(In(Path.Combine("cats", ".cache"), "x.png"), 12, 10, TestImages.Pattern(52));
        File.WriteAllText(In("cats", "readme.txt"), "ignored: not an image extension");
        // test: one clean image per class and one copy of a training image (leakage)
        TestImages.Png(Path.Combine(Test, "cats", "t0.png"), 12, 10, TestImages.Pattern(200));
        TestImages.Png(Path.Combine(Test, "dogs", "t1.png"), 12, 10, TestImages.Pattern(201));
        File.Copy(In("cats", "c2.png"), Path.Combine(Test, "cats", "leaked.png"));
    }

    public string Train { get; }
    public string Test { get; }
    public string Root => _dir.Path;

    /// <summary>Files in train that are valid and unique: c0, c2, c3, c4, d0..d4 and good.jpg.</summary>
    public const int CleanTrainFiles = 10;
    /// <summary>All image-named, non-hidden files under train (9 in cats, 10 in dogs).</summary>
    public const int TrainFiles = 19;

    public string In(string cls, string name)
    {
        string path = Path.Combine(Train, cls, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}
