using Deepen.Data.Images;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Data.Images;

public class DatasetUtilsTests
{
    static TempDir Folder()
    {
        var dir = new TempDir();
        for (int i = 0; i < 10; i++)
        {
            TestImages.Png(dir.File($"cat/{i}.png"), 10, 10, TestImages.Pattern(i));
            TestImages.Png(dir.File($"dog/{i}.png"), 10, 10, TestImages.Pattern(20 + i));
        }
        return dir;
    }

    [Fact]
    public void TrainingAndValidationSubsetsPartitionTheFiles()
    {
        using var dir = Folder();
        DirectoryIterator? train = null;
        string output = TestImages.Console(() => train = DatasetUtils.ImageDatasetFromDirectory(dir.Path, validationSplit: 0.25, subset: "training",
            seed: 1337, imageSize: (10, 10), batchSize: 4, auditReport: null));
        Assert.Contains("Found 20 files belonging to 2 classes.", output);
        Assert.Contains("Using 15 files for training.", output);
        var val = DatasetUtils.ImageDatasetFromDirectory(dir.Path, validationSplit: 0.25, subset: "validation", seed: 1337,
            imageSize: (10, 10), auditReport: null, verbose: false);
        Assert.Equal(15, train!.Samples);
        Assert.Equal(5, val.Samples);
        Assert.Empty(train.Filenames.Intersect(val.Filenames));
        Assert.Equal(20, train.Filenames.Union(val.Filenames).Count());
        Assert.Equal(new[] { "cat", "dog" }, train.ClassNames);
        using var batch = train.GetBatches(0).First();
        Assert.Equal(ScalarType.Int64, batch.Y!.dtype);
        Assert.Equal(new long[] { 4 }, batch.Y.shape);
        Assert.True(batch.X.max().item<float>() > 1);                          // values stay 0–255, as Keras 3
    }

    [Fact]
    public void LabelModes()
    {
        using var dir = Folder();
        var cat = DatasetUtils.ImageDatasetFromDirectory(dir.Path, labelMode: "categorical", imageSize: (10, 10), auditReport: null, verbose: false);
        using (var b = cat.GetBatches(0).First()) Assert.Equal(new long[] { 20 > 32 ? 32 : 20, 2 }, b.Y!.shape);
        var none = DatasetUtils.ImageDatasetFromDirectory(dir.Path, labelMode: null, imageSize: (10, 10), auditReport: null, verbose: false);
        using (var b = none.GetBatches(0).First()) Assert.Null(b.Y);
        var binary = DatasetUtils.ImageDatasetFromDirectory(dir.Path, labelMode: "binary", imageSize: (10, 10), auditReport: null, verbose: false);
        using (var b = binary.GetBatches(0).First()) Assert.Equal(ScalarType.Float32, b.Y!.dtype);
    }

    [Fact]
    public void SplitWithShuffleNeedsASeed()
    {
        using var dir = Folder();
        var e = Assert.Throws<ArgumentException>(() => DatasetUtils.ImageDatasetFromDirectory(dir.Path, validationSplit: 0.2, subset: "training", auditReport: null, verbose: false));
        Assert.Contains("seed", e.Message);
        Assert.Contains("labelMode", Assert.Throws<ArgumentException>(() => DatasetUtils.ImageDatasetFromDirectory(dir.Path, labelMode: "sparse", verbose: false)).Message);
    }
}
