using Deepen.Cli;
using Deepen.Optimizers;

namespace Deepen.Tests.Cli;

public class TextModelPresetsTests
{
    [Fact]
    public void TheRecurrentPresetClipsTheGlobalGradientNormAndKeepsTheRest()
    {
        var clipped = TextModelPresets.WithClipping("text-lstm", new Adam(learningRate: 0.003, beta1: 0.8));
        Assert.Equal(1.0, clipped.GlobalClipnorm);
        Assert.Equal(0.003, clipped.LearningRate);
        Assert.Equal(0.8, ((Adam)clipped).Beta1);
        Assert.Contains("global_clipnorm=1", clipped.ToString());
        Assert.Null(TextModelPresets.WithClipping("text-bow", new Adam()).GlobalClipnorm);
        Assert.Equal(0.5, TextModelPresets.WithClipping("text-lstm", new SGD(clipnorm: 0.5)).Clipnorm); // a user's clipping stays
    }
}
