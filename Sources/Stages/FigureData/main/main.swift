import BuildProvenance
import FigureData
import PipelineCore

StageMain.run(FigureDataStage.self, codeTable: codeTable)
