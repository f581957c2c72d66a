export * from './lcm-schedule';
