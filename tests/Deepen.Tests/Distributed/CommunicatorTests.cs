using Deepen.Distributed;

namespace Deepen.Tests.Distributed;

/// <summary>Outside mpirun the world is one process and MPI is never loaded (the multi-process tests start their own jobs).</summary>
public class CommunicatorTests
{
    [Fact]
    public void APlainProcessIsRankZeroOfOneAndCollectivesLeaveValuesAlone()
    {
        Assert.False(Communicator.IsLaunchedDistributed);
        var world = Communicator.World;
        Assert.Equal((0, 1, true, false), (world.Rank, world.Size, world.IsRoot, world.IsDistributed));
        Span<float> values = [1.5f, -2f];
        world.AllreduceSum(values);
        Assert.Equal(new[] { 1.5f, -2f }, values.ToArray());
        Assert.Equal(7, world.AllreduceMax(7));
        world.Barrier();
    }
}
