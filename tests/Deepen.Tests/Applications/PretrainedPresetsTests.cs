using Deepen.Applications;
using Deepen.Layers;
using static TorchSharp.torch;

namespace Deepen.Tests.Applications;

/// <summary>The CLI's pretrained presets: a frozen ResNet-18 base with a trained head, and --fine-tune's unfreezing.</summary>
public class PretrainedPresetsTests
{
    [Fact]
    public void Resnet18_preset_freezes_the_base_trains_the_head_and_fine_tune_unfreezes_the_last_blocks()
    {
        using var _ = NewDisposeScope();
        manual_seed(3);
        var model = PretrainedPresets.BuildImage("resnet18", classes: 3);
        var head = model.Layers.Single(l => l.Name == "head");
        var trainable = model.Layers.Where(l => l.TrainableWeights.Any()).ToList();
        Assert.Equal(new[] { head }, trainable);                                       // only the head
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var frozen = model.Layers.OfType<Conv2D>().First();
        var frozenBefore = frozen.Weights[0].Value.clone();
        using var x = rand(3, 224, 224, 3) * 255;
        using var y = tensor(new long[] { 0, 1, 2 });
        using var __ = model.Predict(x);
        var headBefore = head.Weights[0].Value.clone();
        model.Fit(x, y, epochs: 1, batchSize: 3, verbose: 0);
        Assert.True(frozen.Weights[0].Value.allclose(frozenBefore, 0, 0), "the frozen base changed");
        Assert.False(head.Weights[0].Value.allclose(headBefore, 0, 0), "the head did not learn");

        var unfrozen = PretrainedPresets.FineTune(model, 2);
        var blocks = Deepen.Applications.Applications.ResNet18Blocks(model);
        Assert.Equal(9, blocks.Count);                                                 // the head after the last addition is in no block
        var expected = blocks.Skip(blocks.Count - 2).SelectMany(b => b).OfType<Conv2D>().Select(c => c.Name).ToList();
        Assert.Equal(expected, unfrozen);                                              // the last two blocks' convolutions
        Assert.Equal(expected.Count + 1, model.Layers.Count(l => l.TrainableWeights.Any()));
        Assert.All(model.Layers.OfType<BatchNormalization>(), bn => Assert.False(bn.Trainable));   // inference mode, as Keras's guide
        Assert.Contains("--fine-tune", Assert.Throws<ArgumentException>(() => PretrainedPresets.FineTune(model, 99)).Message);
    }

    [Fact]
    public void The_heads_L2_penalty_is_scikit_learns_default_logistic_regression_sized_by_the_training_samples()
    {
        // sklearn: C·Σ loss + ½‖W‖² with C = 1; divided by n, Keras's mean loss + l2·‖W‖² with l2 = 1/(2n).
        Assert.Equal(0.005, PretrainedPresets.HeadL2(100), 12);
        Assert.Equal(1.0 / 64, PretrainedPresets.HeadL2(32), 12);
        var e = Assert.Throws<ArgumentException>(() => PretrainedPresets.HeadL2(0));
        Assert.Contains("trainingSamples=0", e.Message);
    }
}
