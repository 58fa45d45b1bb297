using Deepen.Layers;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Tests.Training;

/// <summary>Every user mistake in Compile/Fit/Evaluate/Predict names the argument, the value received and what was expected.</summary>
public class ErrorTests
{
    static Sequential Binary()
    {
        Backend.SetRandomSeed(55);
        var model = new Sequential(new Dense(4, "relu", inputShape: 3), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        return model;
    }

    static Sequential Softmax(string loss)
    {
        Backend.SetRandomSeed(56);
        var model = new Sequential(new Dense(3, "softmax", inputShape: 2));
        model.Compile("adam", loss, ["accuracy"]);
        return model;
    }

    [Fact]
    public void FitAndEvaluateBeforeCompile()
    {
        var model = new Sequential(new Dense(1, inputShape: 2));
        var x = new float[2, 2];
        var y = new float[2];
        var fit = Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, verbose: 0));
        Assert.Contains("Compile()", fit.Message);
        Assert.Contains("Fit()", fit.Message);
        var evaluate = Assert.Throws<InvalidOperationException>(() => model.Evaluate(x, y, verbose: 0));
        Assert.Contains("Compile()", evaluate.Message);
        Assert.Contains("Evaluate()", evaluate.Message);
        // Predict needs no compile.
        using var p = model.Predict(x);
        Assert.Equal(new long[] { 2, 1 }, p.shape);
    }

    [Fact]
    public void WrongInputShapeToFit()
    {
        var e = Assert.Throws<ArgumentException>(() => Binary().Fit(new float[5, 4], new float[5], verbose: 0));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("expected shape=(None, 3)", e.Message);
        Assert.Contains("found shape=(5, 4)", e.Message);
    }

    [Fact]
    public void WrongInputShapeToPredictAndEvaluate()
    {
        var model = Binary();
        var p = Assert.Throws<ArgumentException>(() => model.Predict(new float[2, 3, 1]));
        Assert.Equal("x", p.ParamName);
        Assert.Contains("expected shape=(None, 3)", p.Message);
        Assert.Contains("found shape=(2, 3, 1)", p.Message);
        var e = Assert.Throws<ArgumentException>(() => model.Evaluate(new float[2, 2], new float[2], verbose: 0));
        Assert.Contains("found shape=(2, 2)", e.Message);
    }

    [Fact]
    public void WrongValidationDataShape()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Binary().Fit(new float[4, 3], new float[4], validationData: (new float[2, 5], new float[2]), verbose: 0));
        Assert.Equal("validationData.X", e.ParamName);
        Assert.Contains("found shape=(2, 5)", e.Message);
    }

    [Fact]
    public void SampleCountMismatch()
    {
        var e = Assert.Throws<ArgumentException>(() => Binary().Fit(new float[10, 3], new float[9], verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("`x` has 10 samples but `y` has 9", e.Message);
        var v = Assert.Throws<ArgumentException>(() => Binary().Evaluate(new float[3, 3], new float[4], verbose: 0));
        Assert.Contains("`x` has 3 samples but `y` has 4", v.Message);
    }

    [Fact]
    public void NaNInInputs()
    {
        var x = new float[4, 3];
        x[1, 2] = float.NaN;
        x[3, 0] = float.PositiveInfinity;
        var e = Assert.Throws<ArgumentException>(() => Binary().Fit(x, new float[4], verbose: 0));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("2 NaN or infinite value(s)", e.Message);
        var p = Assert.Throws<ArgumentException>(() => Binary().Predict(x));
        Assert.Contains("`x`", p.Message);
    }

    [Fact]
    public void UnknownNamesInCompile()
    {
        var model = new Sequential(new Dense(1, inputShape: 2));
        var opt = Assert.Throws<ArgumentException>(() => model.Compile("sgdd", "mse"));
        Assert.Contains("Received: optimizer=\"sgdd\"", opt.Message);
        var loss = Assert.Throws<ArgumentException>(() => model.Compile("sgd", "crossentropy"));
        Assert.Equal("loss", loss.ParamName);
        Assert.Contains("Received: loss=\"crossentropy\"", loss.Message);
        Assert.Contains("\"sparse_categorical_crossentropy\"", loss.Message);
        var metric = Assert.Throws<ArgumentException>(() => model.Compile("sgd", "mse", ["f1"]));
        Assert.Contains("Received: metrics=\"f1\"", metric.Message);
    }

    [Fact]
    public void SparseLabelAtOrAboveTheClassCount()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Softmax("sparse_categorical_crossentropy").Fit(new float[3, 2], new[] { 0, 3, 1 }, verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("labels in [0, 3]", e.Message);
        Assert.Contains("class indices in [0, 2]", e.Message);
    }

    [Fact]
    public void OneHotTargetsGivenToTheSparseLoss()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Softmax("sparse_categorical_crossentropy").Fit(new float[2, 2], new float[,] { { 1, 0, 0 }, { 0, 1, 0 } }, verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("use \"categorical_crossentropy\"", e.Message);
    }

    [Fact]
    public void IntegerLabelsGivenToTheCategoricalLoss()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Softmax("categorical_crossentropy").Fit(new float[2, 2], new[] { 0, 2 }, verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("shape (2)", e.Message);
        Assert.Contains("use \"sparse_categorical_crossentropy\"", e.Message);
    }

    [Fact]
    public void BinaryTargetsOutsideZeroOne()
    {
        var e = Assert.Throws<ArgumentException>(() => Binary().Fit(new float[3, 3], new float[] { 0, 1, 2 }, verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("values in [0, 2]", e.Message);
        Assert.Contains("expected values in [0, 1]", e.Message);
        var v = Assert.Throws<ArgumentException>(() =>
            Binary().Fit(new float[3, 3], new float[] { 0, 1, 1 }, validationData: (new float[1, 3], new float[] { -1 }), verbose: 0));
        Assert.Equal("validationData.Y", v.ParamName);
    }

    [Fact]
    public void TargetsOfTheWrongShapeForARegressionLoss()
    {
        Backend.SetRandomSeed(57);
        var model = new Sequential(new Dense(2, inputShape: 3));
        model.Compile("sgd", "mse");
        var e = Assert.Throws<ArgumentException>(() => model.Fit(new float[4, 3], new float[4, 3], verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("shape (4, 3)", e.Message);
        Assert.Contains("expected (4, 2)", e.Message);
    }

    [Fact]
    public void InvalidFitArguments()
    {
        var x = new float[4, 3];
        var y = new float[4];
        Assert.Contains("Received: epochs=0", Assert.Throws<ArgumentException>(() => Binary().Fit(x, y, epochs: 0, verbose: 0)).Message);
        Assert.Contains("Received: batchSize=-2", Assert.Throws<ArgumentException>(() => Binary().Fit(x, y, batchSize: -2, verbose: 0)).Message);
        Assert.Contains("Received: verbose=3", Assert.Throws<ArgumentException>(() => Binary().Fit(x, y, verbose: 3)).Message);
        Assert.Contains("Received: validationSplit=-0.5", Assert.Throws<ArgumentException>(() => Binary().Fit(x, y, validationSplit: -0.5, verbose: 0)).Message);
        var cw = Assert.Throws<ArgumentException>(() => Binary().Fit(x, y, classWeight: new Dictionary<int, double> { [-1] = 2 }, verbose: 0));
        Assert.Contains("classWeight", cw.Message);
    }

    [Fact]
    public void UnsupportedArrayTypesAndEmptyArrays()
    {
        var t = Assert.Throws<ArgumentException>(() => Binary().Fit(new string[2, 3], new float[2], verbose: 0));
        Assert.Equal("x", t.ParamName);
        Assert.Contains("String[,]", t.Message);
        var empty = Assert.Throws<ArgumentException>(() => Binary().Predict(new float[0, 3]));
        Assert.Contains("at least one sample", empty.Message);
    }

    [Fact]
    public void ScalarInputToAnUnbuiltModel()
    {
        var model = new Sequential(new Dense(1));
        var e = Assert.Throws<ArgumentException>(() => model.Predict(tensor(new float[] { 1, 2, 3 })));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("first dimension is the batch", e.Message);
    }
}
