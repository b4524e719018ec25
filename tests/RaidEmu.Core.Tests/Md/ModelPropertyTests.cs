using CsCheck;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Md;

namespace RaidEmu.Core.Tests.Md;

/// <summary>
/// Random operation sequences against a plain byte array: the array must always read back as the model. Arrays
/// start clean, or dirty with random bytes in every member (as after an unclean stop), and members fail at any
/// moment the array survives, including before resync and during recovery.
/// </summary>
[TestClass]
public sealed class ModelPropertyTests
{
    private enum Kind
    {
        Write,
        Fail,
        Add,
        Rebuild,
        PartialSync,
    }

    private sealed record Op(Kind Kind, double Position, double Size, int Seed);

    private static readonly Gen<Op> s_op =
        Gen.Select(
            Gen.Frequency((10, Gen.Const(Kind.Write)), (2, Gen.Const(Kind.Fail)), (1, Gen.Const(Kind.Add)), (1, Gen.Const(Kind.Rebuild)), (1, Gen.Const(Kind.PartialSync))),
            Gen.Double[0, 1],
            Gen.Double[0, 1],
            Gen.Int,
            (k, p, s, seed) => new Op(k, p, s, seed));

    [TestMethod]
    public void Raid5_RandomWritesFailuresAndRebuilds_MatchAByteArray()
    {
        Gen.Select(Gen.Enum<Raid5Algorithm>(), Gen.Int[3, 5], s_op.Array[1, 30])
            .Sample((algorithm, disks, ops) => Run(TestArrays.Raid5(out _, disks: disks, chunk: 4096, algorithm: algorithm, stripes: 6), ops, dirty: false), iter: 60);
    }

    [TestMethod]
    public void Raid5_DirtyStartWithRandomMembers_KeepsEveryAcknowledgedByte()
    {
        Gen.Select(Gen.Enum<Raid5Algorithm>(), Gen.Int[3, 5], Gen.Int, s_op.Array[1, 30])
            .Sample(
                (algorithm, disks, seed, ops) =>
                {
                    var array = TestArrays.Raid5(out var devices, disks: disks, chunk: 4096, algorithm: algorithm, stripes: 6, assumeClean: false);
                    TestArrays.Scramble(devices, seed);
                    Run(array, ops, dirty: true);
                },
                iter: 60);
    }

    [TestMethod]
    public void Raid1_RandomWritesFailuresAndRebuilds_MatchAByteArray()
    {
        s_op.Array[1, 30].Sample(ops => Run(TestArrays.Raid1(out _, disks: 3, dataBytes: 256 * 1024), ops, dirty: false), iter: 40);
    }

    [TestMethod]
    public void Raid1_DirtyStartWithRandomMirrors_KeepsEveryAcknowledgedByte()
    {
        Gen.Select(Gen.Int, s_op.Array[1, 30]).Sample(
            (seed, ops) =>
            {
                var array = TestArrays.Raid1(out var devices, disks: 3, dataBytes: 256 * 1024, assumeClean: false);
                TestArrays.Scramble(devices, seed);
                Run(array, ops, dirty: true);
            },
            iter: 30);
    }

    /// <summary>
    /// Runs <paramref name="ops"/>. The model holds what was written; bytes never written are unknown on a dirty
    /// start (nothing was acknowledged there) until the array is optimal, when what it reads becomes the model.
    /// </summary>
    private static void Run(RaidArray array, Op[] ops, bool dirty)
    {
        using (array)
        {
            var model = new byte[array.Length];
            var known = new bool[array.Length];
            Array.Fill(known, !dirty);
            foreach (var op in ops)
            {
                Apply(array, op, model, known);
                var got = TestArrays.ReadAll(array);
                if (array.State == ArrayState.Optimal && Array.IndexOf(known, false) >= 0)
                {
                    for (int i = 0; i < known.Length; i++)
                    {
                        model[i] = known[i] ? model[i] : got[i];
                    }

                    Array.Fill(known, true);
                }

                int wrong = Enumerable.Range(0, model.Length).FirstOrDefault(i => known[i] && got[i] != model[i], -1);
                if (wrong >= 0)
                {
                    throw new InvalidOperationException($"array diverged from the model at byte {wrong} after {op} (state {array.State})");
                }
            }

            array.RunSync();
            if (array.State == ArrayState.Optimal)
            {
                Assert.AreEqual(0, array.Scrub(repair: false), "redundancy inconsistent at the end");
            }
        }
    }

    private static void Apply(RaidArray array, Op op, byte[] model, bool[] known)
    {
        switch (op.Kind)
        {
            case Kind.Write:
                long offset = (long)(op.Position * (array.Length - 1));
                int size = (int)Math.Max(1, op.Size * Math.Min(40_000, array.Length - offset));
                var data = TestArrays.RandomBytes(size, op.Seed);
                array.Write(offset, data);
                data.CopyTo(model, offset);
                Array.Fill(known, true, (int)offset, size);
                break;
            case Kind.Fail:
                var victims = array.Slots.Where(m => m != null && Survives(array, m)).ToList();
                if (victims.Count > 0)
                {
                    array.Fail(victims[(int)(op.Position * victims.Count) % victims.Count]!.DevNumber);
                }

                break;
            case Kind.Add:
                if (array.Slots.Any(m => m == null))
                {
                    array.Add(new MemoryBlockDevice(array.Members[0].Device.Length));
                }

                break;
            case Kind.Rebuild:
                array.RunSync();
                break;
            case Kind.PartialSync:
                // Stop part-way, leaving a resync or recovery point inside the array.
                using (var stop = new CancellationTokenSource())
                {
                    long until = (long)(op.Size * array.Geometry.ComponentBytes);
                    try
                    {
                        array.RunSync(new StopAt(until, stop), stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }

                break;
        }
    }

    /// <summary>True when failing <paramref name="member"/> leaves the array running (exhaustion is tested elsewhere).</summary>
    private static bool Survives(RaidArray array, Member member)
    {
        if (member.State == MemberState.Rebuilding)
        {
            return true;
        }

        int inSync = array.Slots.Count(m => m is { State: MemberState.InSync });
        return array.Geometry.Level == RaidLevel.Raid1 ? inSync > 1 : inSync == array.Geometry.RaidDisks;
    }

    private sealed class StopAt(long bytes, CancellationTokenSource stop) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value)
        {
            if (value.DoneBytes >= bytes)
            {
                stop.Cancel();
            }
        }
    }
}
