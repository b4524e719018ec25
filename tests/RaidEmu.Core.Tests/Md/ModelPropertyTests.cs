using CsCheck;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Md;

namespace RaidEmu.Core.Tests.Md;

/// <summary>Random operation sequences against a plain byte array: the array must always read back as the model.</summary>
[TestClass]
public sealed class ModelPropertyTests
{
    private enum Kind
    {
        Write,
        Fail,
        Add,
        Rebuild,
    }

    private sealed record Op(Kind Kind, double Position, double Size, int Seed);

    private static readonly Gen<Op> s_op =
        Gen.Select(
            Gen.Frequency((10, Gen.Const(Kind.Write)), (1, Gen.Const(Kind.Fail)), (1, Gen.Const(Kind.Add)), (1, Gen.Const(Kind.Rebuild))),
            Gen.Double[0, 1],
            Gen.Double[0, 1],
            Gen.Int,
            (k, p, s, seed) => new Op(k, p, s, seed));

    [TestMethod]
    public void Raid5_RandomWritesFailuresAndRebuilds_MatchAByteArray()
    {
        Gen.Select(Gen.Enum<Raid5Algorithm>(), Gen.Int[3, 5], s_op.Array[1, 30])
            .Sample((algorithm, disks, ops) => Run(TestArrays.Raid5(out _, disks: disks, chunk: 4096, algorithm: algorithm, stripes: 6), ops), iter: 60);
    }

    [TestMethod]
    public void Raid1_RandomWritesFailuresAndRebuilds_MatchAByteArray()
    {
        s_op.Array[1, 30].Sample(ops => Run(TestArrays.Raid1(out _, disks: 3, dataBytes: 256 * 1024), ops), iter: 40);
    }

    private static void Run(RaidArray array, Op[] ops)
    {
        using (array)
        {
            var model = new byte[array.Length];
            foreach (var op in ops)
            {
                switch (op.Kind)
                {
                    case Kind.Write:
                        long offset = (long)(op.Position * (array.Length - 1));
                        int size = (int)Math.Max(1, op.Size * Math.Min(40_000, array.Length - offset));
                        var data = TestArrays.RandomBytes(size, op.Seed);
                        array.Write(offset, data);
                        data.CopyTo(model, offset);
                        break;
                    case Kind.Fail:
                        // Fail a random in-sync member, only while redundancy is left (exhaustion is tested elsewhere).
                        var inSync = array.Slots.Where(m => m is { State: MemberState.InSync }).ToList();
                        if (array.State == ArrayState.Optimal && inSync.Count > 1)
                        {
                            array.Fail(inSync[(int)(op.Position * inSync.Count) % inSync.Count]!.DevNumber);
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
                }

                var got = TestArrays.ReadAll(array);
                if (!got.AsSpan().SequenceEqual(model))
                {
                    throw new InvalidOperationException($"array diverged from the model after {op}");
                }
            }

            array.RunSync();
            if (array.State == ArrayState.Optimal)
            {
                Assert.AreEqual(0, array.Scrub(repair: false), "redundancy inconsistent at the end");
            }
        }
    }
}
