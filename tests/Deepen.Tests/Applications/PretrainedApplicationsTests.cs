using Deepen.Layers;
using Deepen.Models;
using Deepen.Tests.Helpers;
using Deepen.Tests.Onnx;
using static TorchSharp.torch;

namespace Deepen.Tests.Applications;

using Apps = Deepen.Applications.Applications;

/// <summary>
/// Deepen.Applications' pretrained models against ONNX Runtime running the packages' own files: ResNet-18 features
/// (with the package's preprocessing) and all-MiniLM-L6-v2 sentence embeddings (mean pooling + L2 norm, as
/// sentence-transformers computes them), on real images and sentences, at batch 1 and 3.
/// </summary>
public class PretrainedApplicationsTests
{
    static readonly string[] Sentences =
    {
        "Deepen trains Keras-style models in .NET.",
        "The quick brown fox jumps over the lazy dog.",
        "ONNX is the exchange format every framework speaks.",
    };

    [Fact]
    public void ResNet18_imagenet_features_equal_OnnxRuntime_on_real_images_at_batch_1_and_3()
    {
        using var model = Apps.ResNet18(weights: "imagenet", includeTop: false, inputShape: (224, 224, 3), pooling: "avg");
        Assert.Equal(new Shape(224, 224, 3), model.InputShape);
        using var images = OnnxImportTests.RealImages(3);                           // NCHW, RGB 0–255
        var expected = new List<float>();
        for (int i = 0; i < 3; i++)
        {
            using var one = images[TensorIndex.Slice(i, i + 1)];
            var prepared = OnnxTestSupport.RunFloat(OnnxTestSupport.ResNetPreprocess, one)[0];
            using var p = tensor(prepared, new long[] { 1, 3, 224, 224 });
            expected.AddRange(OnnxTestSupport.RunFloat(OnnxTestSupport.ResNet18, p)[0]);   // [1, 512, 1, 1]
        }
        using var nhwc = images.permute(0, 2, 3, 1).contiguous();
        using var three = model.Predict(nhwc);
        Assert.Equal(new long[] { 3, 512 }, three.shape);
        OnnxTestSupport.AssertClose(expected.ToArray(), three, what: "batch 3");
        using var first = model.Predict(nhwc[TensorIndex.Slice(2, 3)]);
        OnnxTestSupport.AssertClose(expected.Skip(1024).ToArray(), first, what: "batch 1");
    }

    [Fact]
    public void ResNet18_has_nine_residual_blocks_and_refuses_what_the_package_lacks()
    {
        using var model = Apps.ResNet18();
        var blocks = Apps.ResNet18Blocks(model);
        Assert.Equal(9, blocks.Count);                                                // CNTK's ResNet-18: 9 residual additions
        Assert.All(blocks, b => Assert.IsType<Add>(b[^1]));
        Assert.Equal(22, blocks.Sum(b => b.OfType<Conv2D>().Count()));               // every convolution is in a block
        var top = Assert.Throws<ArgumentException>(() => Apps.ResNet18(includeTop: true));
        Assert.Contains("includeTop", top.Message);
        var shape = Assert.Throws<ArgumentException>(() => Apps.ResNet18(inputShape: (160, 160, 3)));
        Assert.Contains("(224, 224, 3)", shape.Message);
        Assert.Contains("imagenet", Assert.Throws<ArgumentException>(() => Apps.ResNet18(weights: null)).Message);
    }

    /// <summary>sentence-transformers' embedding from ONNX Runtime: each sentence alone (no padding), mean over its tokens, L2-normalized.</summary>
    static float[] ReferenceEmbeddings(string modelPath, Deepen.Applications.WordPieceTokenizer tokenizer, string[] sentences)
    {
        var all = new List<float>();
        foreach (var s in sentences)
        {
            var ids = tokenizer.Tokenize(s).Select(i => (long)i).ToArray();
            using var inputIds = tensor(ids, new long[] { 1, ids.Length });
            using var mask = ones(1, ids.Length, ScalarType.Int64);
            using var types = zeros(1, ids.Length, ScalarType.Int64);
            var hidden = OnnxTestSupport.Run(modelPath, new object[] { inputIds, mask, types })[0];   // [1, S, 384]
            var mean = new double[384];
            for (int t = 0; t < ids.Length; t++)
                for (int d = 0; d < 384; d++) mean[d] += hidden[t * 384 + d] / ids.Length;
            double norm = Math.Sqrt(mean.Sum(v => v * v));
            all.AddRange(mean.Select(v => (float)(v / norm)));
        }
        return all.ToArray();
    }

    [Fact]
    public void MiniLM_embeddings_of_raw_strings_equal_mean_pooled_OnnxRuntime_at_batch_1_and_3()
    {
        using var dir = new TempDir();
        var (modelPath, _) = OnnxTestSupport.MiniLM(dir.Path);
        using var model = Apps.MiniLM(sequenceLength: 32);
        var tokenizer = Assert.IsType<Deepen.Applications.WordPieceTokenizer>(model.Layers[0]);
        var expected = ReferenceEmbeddings(modelPath, tokenizer, Sentences);

        using var three = model.Predict(Sentences);                                  // padded to 32 tokens
        Assert.Equal(new long[] { 3, 384 }, three.shape);
        OnnxTestSupport.AssertClose(expected, three, what: "batch 3");
        using var one = model.Predict([Sentences[1]]);
        OnnxTestSupport.AssertClose(expected.Skip(384).Take(384).ToArray(), one, what: "batch 1");
        using var norms = three.norm(1);
        Assert.True(norms.allclose(ones(3), rtol: 0, atol: 1e-5), "embeddings are L2-normalized");
    }

    [Fact]
    public void WordPiece_truncates_long_texts_keeping_CLS_and_SEP_and_pads_with_zero()
    {
        using var model = Apps.MiniLM(sequenceLength: 8);
        var tokenizer = Assert.IsType<Deepen.Applications.WordPieceTokenizer>(model.Layers[0]);
        var full = tokenizer.Tokenize("one two three four five six seven eight nine ten");
        Assert.Equal(8, full.Count);
        Assert.Equal(101, full[0]);                                                    // [CLS] in BERT's vocabulary
        Assert.Equal(102, full[^1]);                                                   // [SEP]
        using var ids = tokenizer.Call(new[] { "hi" });
        Assert.Equal(new long[] { 101, 7632, 102, 0, 0, 0, 0, 0 }, ids.data<long>().ToArray());   // "hi" is 7632
    }

    [Fact]
    public void MiniLM_with_a_frozen_encoder_fits_a_head_on_strings_and_leaves_the_encoder_unchanged()
    {
        using var _ = NewDisposeScope();
        manual_seed(7);
        var model = Apps.MiniLM(sequenceLength: 16);
        model.Layers[1].Trainable = false;
        model.Add(new Dense(2, activation: "softmax"));
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var encoderBefore = model.Layers[1].Weights.Select(w => w.Value.clone()).ToArray();
        var texts = new[] { "win free money now", "cheap pills offer", "lunch at noon tomorrow", "minutes of the meeting" };
        var labels = new long[] { 1, 1, 0, 0 };
        using var before = model.Predict(texts);                                       // builds the head
        var headBefore = model.Layers[2].Weights[0].Value.clone();
        var history = model.Fit(texts, labels, epochs: 30, batchSize: 4, verbose: 0);
        Assert.True(history.Values["loss"][^1] < history.Values["loss"][0], "the head learns");
        Assert.False(model.Layers[2].Weights[0].Value.allclose(headBefore, 0, 0), "the head's kernel changed");
        for (int i = 0; i < encoderBefore.Length; i++)
            Assert.True(model.Layers[1].Weights[i].Value.allclose(encoderBefore[i], 0, 0), $"frozen weight {model.Layers[1].Weights[i].Name} changed");
        Assert.Empty(model.Layers[1].TrainableWeights);
        using var p = model.Predict(texts);
        Assert.Equal(new long[] { 4, 2 }, p.shape);
    }
}
