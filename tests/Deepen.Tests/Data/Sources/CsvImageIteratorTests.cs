using Deepen.Data.Audit;
using Deepen.Data.Images;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Data.Sources;

public class CsvImageIteratorTests
{
    [Fact]
    public void ReadsPathLabelRowsAndSkipsMissingFiles()
    {
        using var dir = new TempDir();
        for (int i = 0; i < 4; i++) TestImages.Png(dir.File($"img/{i}.png"), 10, 10, TestImages.Solid((byte)(i * 50), 0, 0));
        File.WriteAllText(dir.File("list.csv"), "path,label\nimg/0.png,zebra\nimg/1.png,ant\n\"img/2.png\",zebra\nimg/3.png,ant\nimg/missing.png,ant\n");
        var it = new ImageDataGenerator().FlowFromCsv(dir.File("list.csv"), targetSize: (10, 10), classMode: "sparse", shuffle: false,
            auditReport: null, verbose: false);
        Assert.Equal(new[] { "ant", "zebra" }, it.ClassNames);
        Assert.Equal(4, it.Samples);
        Assert.Equal(new[] { 1, 0, 1, 0 }, it.Classes);
        var missing = Assert.Single(it.AuditReport.Entries);
        Assert.Equal(AnomalyKind.Missing, missing.Kind);
        Assert.EndsWith("missing.png", missing.Path);
        using var batch = it.GetBatches(0).Single();
        Assert.Equal(new float[] { 1, 0, 1, 0 }, batch.Y!.data<float>().ToArray());
        Assert.Equal(100f, batch.X[2, 0, 0, 0].item<float>());
    }

    [Fact]
    public void KerasColumnNamesAndErrors()
    {
        using var dir = new TempDir();
        TestImages.Png(dir.File("a.png"), 10, 10, TestImages.Pattern(1));
        TestImages.Png(dir.File("b.png"), 10, 10, TestImages.Pattern(2));
        File.WriteAllText(dir.File("df.csv"), "id,filename,class\n1,a.png,x\n2,b.png,y\n");
        var it = new ImageDataGenerator().FlowFromCsv(dir.File("df.csv"), targetSize: (10, 10), auditReport: null, verbose: false);
        Assert.Equal(2, it.Samples);
        File.WriteAllText(dir.File("bad.csv"), "id,file,kind\n1,a.png,x\n");
        var e = Assert.Throws<ArgumentException>(() => new ImageDataGenerator().FlowFromCsv(dir.File("bad.csv"), auditReport: null, verbose: false));
        Assert.Contains("xCol", e.Message);
        Assert.Contains("\"file\"", e.Message);
    }
}
