using Deepen.Models;
using Deepen.Onnx;
using Deepen.Onnx.Ops;
using Deepen.Tests.Helpers;
using Microsoft.ML.Tokenizers;
using static TorchSharp.torch;

namespace Deepen.Tests.Onnx;

/// <summary>all-MiniLM-L6-v2 (PyTorch export, opset 13, 650 nodes) imported and checked against ONNX Runtime.</summary>
public class MiniLMImportTests
{
    static readonly string[] Sentences =
    {
        "Deepen trains Keras-style models in .NET.",
        "The quick brown fox jumps over the lazy dog.",
        "ONNX is the exchange format every framework speaks.",
    };

    [Fact]
    public void Last_hidden_state_matches_OnnxRuntime_on_real_sentences()
    {
        using var dir = new TempDir();
        var (modelPath, vocab) = OnnxTestSupport.MiniLM(dir.Path);
        var tokenizer = BertTokenizer.Create(vocab);
        var ids = Sentences.Select(s => tokenizer.EncodeToIds(s).Select(i => (long)i).ToArray()).ToArray();
        int length = ids.Max(i => i.Length);
        var idData = new long[Sentences.Length * length];
        var maskData = new long[Sentences.Length * length];
        for (int b = 0; b < ids.Length; b++)
            for (int t = 0; t < ids[b].Length; t++) { idData[b * length + t] = ids[b][t]; maskData[b * length + t] = 1; }
        using var inputIds = tensor(idData, new long[] { Sentences.Length, length });
        using var mask = tensor(maskData, new long[] { Sentences.Length, length });
        using var types = zeros(Sentences.Length, length, ScalarType.Int64);

        var options = new OnnxImportOptions();
        foreach (var name in new[] { "input_ids", "attention_mask", "token_type_ids" }) options.InputShapes[name] = [length];
        using var model = Model.FromOnnx(modelPath, options);
        Assert.Contains(model.Layers, l => l is OnnxOp { OpType: "Erf" });
        Assert.True(model.Layers.OfType<Deepen.Layers.Dense>().Count() >= 36);            // the 6 layers' projections
        var expected = OnnxTestSupport.Run(modelPath, new object[] { inputIds, mask, types });
        var outputs = model.Call([inputIds, mask, types]);
        Assert.Equal(new long[] { Sentences.Length, length, 384 }, outputs[0].shape);
        OnnxTestSupport.AssertClose(expected[0], outputs[0], what: "last_hidden_state");
        // One sentence alone (batch 1) gives its rows of the batch.
        var one = model.Call([inputIds[TensorIndex.Slice(1, 2)], mask[TensorIndex.Slice(1, 2)], types[TensorIndex.Slice(1, 2)]]);
        OnnxTestSupport.AssertClose(expected[0].Skip(length * 384).Take(length * 384).ToArray(), one[0], what: "batch 1");
    }
}
