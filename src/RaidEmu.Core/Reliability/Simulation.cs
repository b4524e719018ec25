namespace RaidEmu.Core.Reliability;

/// <summary>One thread's simulator: its random stream and the per-unit state it reuses from trial to trial.</summary>
internal sealed class Simulation
{
    private readonly UnitSystem _system;
    private readonly double[] _failAt;
    private readonly bool[] _failed;
    private readonly bool[] _running;
    private readonly Queue<int> _repairs = new();
    private Xoshiro _rng;

    public Simulation(UnitSystem system, ulong seed)
    {
        _system = system;
        _failAt = new double[system.Units];
        _failed = new bool[system.Units];
        _running = new bool[system.Units];
        _rng = new Xoshiro(seed);
    }

    /// <summary>
    /// Simulates up to <paramref name="horizon"/> hours. With <paramref name="stopAtLoss"/> it stops at the first
    /// loss; otherwise a loss of whole disks is followed by a restore to new units (from backup) and the
    /// mission goes on, so every loss in it counts towards the data lost. A failed critical rebuild loses one
    /// sector and the rebuild still completes, as md with a bad-block log does.
    /// </summary>
    public (double FirstLoss, double LostFraction) Run(double horizon, bool stopAtLoss)
    {
        double firstLoss = double.PositiveInfinity;
        double lost = 0;
        Renew(0);
        double repairEnd = double.PositiveInfinity;
        int failedCount = 0;
        int runningCount = _system.Running;
        while (true)
        {
            int next = 0;
            for (int u = 1; u < _failAt.Length; u++)
            {
                if (_failAt[u] < _failAt[next])
                {
                    next = u;
                }
            }

            double t = Math.Min(repairEnd, _failAt[next]);
            if (t > horizon || double.IsPositiveInfinity(t))
            {
                return (firstLoss, lost);
            }

            bool loss = false;
            if (repairEnd <= _failAt[next])
            {
                int unit = _repairs.Dequeue();
                if (_system.Critical(_failed, failedCount, unit) && _rng.NextOpenUnit() >= _system.RepairSuccess)
                {
                    firstLoss = Math.Min(firstLoss, t);
                    lost += _system.SectorFraction;
                    if (stopAtLoss)
                    {
                        return (firstLoss, lost);
                    }
                }

                _failed[unit] = false;
                failedCount--;
                if (runningCount < _system.Running)
                {
                    Start(unit, t);
                    runningCount++;
                }

                repairEnd = _repairs.Count > 0 ? t + RepairTime() : double.PositiveInfinity;
            }
            else
            {
                _failed[next] = true;
                _running[next] = false;
                _failAt[next] = double.PositiveInfinity;
                failedCount++;
                runningCount--;
                _repairs.Enqueue(next);
                if (_system.RepairHours != null && _repairs.Count == 1)
                {
                    repairEnd = t + RepairTime();
                }

                if (runningCount < _system.Running && Standby() is int standby)
                {
                    if (_rng.NextOpenUnit() < _system.Coverage)
                    {
                        Start(standby, t);
                        runningCount++;
                    }
                    else
                    {
                        loss = true;
                    }
                }

                loss |= _system.Lost(_failed, failedCount) || runningCount < _system.Running && _system.Running < _system.Units;
            }

            if (loss)
            {
                firstLoss = Math.Min(firstLoss, t);
                lost += _system.LostFraction(_failed, failedCount);
                if (stopAtLoss)
                {
                    return (firstLoss, lost);
                }

                Renew(t);
                repairEnd = double.PositiveInfinity;
                failedCount = 0;
                runningCount = _system.Running;
            }
        }
    }

    private void Renew(double now)
    {
        _repairs.Clear();
        Array.Fill(_failed, false);
        for (int u = 0; u < _failAt.Length; u++)
        {
            _running[u] = false;
            _failAt[u] = double.PositiveInfinity;
            if (u < _system.Running)
            {
                Start(u, now);
            }
        }
    }

    private void Start(int unit, double now)
    {
        _running[unit] = true;
        _failAt[unit] = now + _system.Lifetime.Sample(ref _rng);
    }

    /// <summary>A working unit that is not running: a cold standby.</summary>
    private int? Standby()
    {
        for (int u = 0; u < _failed.Length; u++)
        {
            if (!_failed[u] && !_running[u])
            {
                return u;
            }
        }

        return null;
    }

    private double RepairTime()
    {
        double mean = _system.RepairHours!.Value;
        return _system.Rebuild == RebuildModel.Fixed ? mean : -mean * Math.Log(_rng.NextOpenUnit());
    }
}
